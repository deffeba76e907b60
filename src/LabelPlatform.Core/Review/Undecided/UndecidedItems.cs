using System.Security.Claims;
using Hangfire;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.FinalLabels;
using LabelPlatform.Queue;
using LabelPlatform.Review.Batches;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LabelPlatform.Review.Undecided;

/// <summary>
/// An item the crowd left undecided: all the answers the job allows are in and its label is still less sure than the
/// job asks. The reviewer sees the item (by a sealed link to one of its answers), how the answers split (never who gave
/// them, nor the model's view) and the job's labels.
/// </summary>
public sealed record UndecidedItem(Guid ItemId, Guid JobId, string JobName, Guid LinkAssignmentId, string? Text, IReadOnlyList<string> Labels,
    IReadOnlyList<(string Label, int Answers)> Split, double Confidence);

/// <summary>Reviewers decide items the crowd left undecided (one-label jobs); the decision becomes the item's final answer, source reviewer.</summary>
public sealed class UndecidedItems(IDbContextFactory<AppDbContext> dbFactory, NpgsqlDataSource dataSource, TimeProvider clock, IBackgroundJobClient? jobs = null)
{
    public const int Take = 20;

    // One statement: the item must still be undecided and undecided by anyone, and the reviewer must not have answered it.
    private static readonly string DecideSql = Sql.Named("Review/Undecided/UndecidedItems.sql", "Decide");

    /// <summary>The oldest undecided items the reviewer may decide, of one job when <paramref name="jobId"/> is given.</summary>
    public async Task<Result<IReadOnlyList<UndecidedItem>>> ListAsync(ClaimsPrincipal user, Guid? jobId = null, CancellationToken ct = default)
    {
        if (Reviewers.IdOf(user) is not { } reviewerId)
        {
            return Error.Forbidden("Only reviewers decide undecided items.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (
                from i in db.Items
                join j in db.Jobs on i.JobId equals j.Id
                where i.FinalState == FinalState.Undecided && i.DecidedLabel == null && i.GoldAnswer == null && (jobId == null || i.JobId == jobId)
                    && (j.Kind == TaskKind.ImageClassification || j.Kind == TaskKind.TextClassification)
                    && !db.Assignments.Any(a => a.ItemId == i.Id && a.WorkerId == reviewerId)
                orderby i.CreatedAt, i.Ordinal
                select new { i.Id, i.JobId, j.Name, j.Labels, i.Text, i.FinalConfidence })
            .AsNoTracking().Take(Take).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var answers = (await db.Assignments.AsNoTracking()
                .Where(a => ids.Contains(a.ItemId) && a.Status == AssignmentStatus.Submitted)
                .Select(a => new { a.Id, a.ItemId, a.Label })
                .ToListAsync(ct))
            .ToLookup(a => a.ItemId);
        return rows.Where(r => answers[r.Id].Any())
            .Select(r => new UndecidedItem(r.Id, r.JobId, r.Name, answers[r.Id].Min(a => a.Id), r.Text, r.Labels,
                [.. answers[r.Id].GroupBy(a => a.Label ?? "").OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count()))],
                r.FinalConfidence ?? 0))
            .ToList();
    }

    /// <summary>Decides an undecided item; refused for non-reviewers, labels the job does not have, an item decided already, or one the reviewer answered.</summary>
    public async Task<Error?> DecideAsync(ClaimsPrincipal user, Guid itemId, string label, CancellationToken ct = default)
    {
        if (Reviewers.IdOf(user) is not { } reviewerId)
        {
            return Error.Forbidden("Only reviewers decide undecided items.");
        }

        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var labels = await db.Items.Where(i => i.Id == itemId).Join(db.Jobs, i => i.JobId, j => j.Id, (i, j) => j.Labels).SingleOrDefaultAsync(ct);
            if (labels is null)
            {
                return Error.NotFound("The item");
            }

            if (!labels.Contains(label))
            {
                return Error.Validation($"'{(label.Length > 40 ? label[..40] + "…" : label)}' is not one of the job's labels.");
            }
        }

        await using var command = Sql.Command(dataSource, DecideSql, itemId, label, reviewerId, clock.GetUtcNow());
        if (await command.ExecuteScalarAsync(ct) is not Guid jobId)
        {
            return new Error("conflict", "This item is no longer waiting for a decision (another reviewer decided it), or you answered it yourself.");
        }

        FinalLabelsQueue.Enqueue(jobs, jobId);
        return null;
    }
}
