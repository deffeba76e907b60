using LabelPlatform.Data;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.FinalLabels;

/// <summary>
/// The raw figures of a job's quality panel: how often each gold item was shown, how many answers each
/// answered (non-gold) item got, how many items are in each final state and source, and the model's
/// stored calibration.
/// </summary>
public sealed record JobQualityFigures(
    IReadOnlyList<int> GoldShown,
    IReadOnlyList<int> AnswersPerAnsweredItem,
    IReadOnlyDictionary<(string? State, string? Source), int> FinalStates,
    JobCalibration? Calibration);

/// <summary>Reads <see cref="JobQualityFigures"/> (the caller has checked the job is the reader's).</summary>
public sealed class GetJobQualityFigures(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<JobQualityFigures> HandleAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var shown = await db.Items.Where(i => i.JobId == jobId && i.GoldAnswer != null).Select(i => i.GoldShown).ToListAsync(ct);
        var answered = await db.Assignments.Where(a => a.JobId == jobId && a.Status == AssignmentStatus.Submitted && !db.Items.Any(i => i.Id == a.ItemId && i.GoldAnswer != null))
            .GroupBy(a => a.ItemId).Select(g => g.Count()).ToListAsync(ct);
        var states = (await db.Items.Where(i => i.JobId == jobId && i.GoldAnswer == null && i.FinalState != null)
                .GroupBy(i => new { i.FinalState, i.FinalSource }).Select(g => new { g.Key.FinalState, g.Key.FinalSource, Count = g.Count() }).ToListAsync(ct))
            .ToDictionary(g => (g.FinalState, g.FinalSource), g => g.Count);
        var stored = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.ModelCalibration).SingleAsync(ct);
        return new JobQualityFigures(shown, answered, states, JobCalibration.FromJson(stored));
    }
}
