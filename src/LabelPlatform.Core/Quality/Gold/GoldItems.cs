using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Labels;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.Gold;

public sealed record GoldImportReport(int Marked, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Marks a job's items as gold (known answers workers are checked against), from an uploaded file or
/// one item at a time, and takes the mark away. A gold item leaves the crowd's normal queue (its open
/// slots close) and is handed out as a check instead; all of a file or none of it is applied.
/// </summary>
public sealed class GoldItems(IDbContextFactory<AppDbContext> dbFactory, GoldDraw draw)
{
    public const int MaxExplanationLength = ItemLabels.MaxExplanationLength;

    /// <summary>
    /// CSV with a header: <c>item</c> (the uploaded file's path or name, or the item id), <c>label</c>
    /// (multi-label jobs: <c>labels</c>, separated by <c>|</c>) and an optional <c>explanation</c>; or
    /// JSONL with <c>item</c>, <c>label</c> / <c>labels</c> (array) / <c>boxes</c> (array of
    /// {label, x, y, w, h} in image pixels) and <c>explanation</c>.
    /// </summary>
    public async Task<Result<GoldImportReport>> ImportAsync(Guid jobId, Guid organisationId, string fileName, string content, CancellationToken ct = default)
    {
        List<LabelRow> rows;
        try
        {
            rows = LabelTables.Parse(fileName, content);
        }
        catch (FormatException e)
        {
            return Error.Validation($"No gold was marked: {e.Message}.");
        }

        return await ImportRowsAsync(jobId, organisationId, rows, ct);
    }

    /// <summary>Marks the items the rows name as gold with their answers, all or none (the label import's gold target).</summary>
    public async Task<Result<GoldImportReport>> ImportRowsAsync(Guid jobId, Guid organisationId, IReadOnlyList<LabelRow> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0)
        {
            return Error.Validation("No gold was marked: the file holds no rows.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        var matched = ItemLabels.Match(job, await db.Items.Where(i => i.JobId == jobId).ToListAsync(ct), rows);
        if (!matched.Succeeded)
        {
            return new GoldImportReport(0, matched.Problems);
        }

        foreach (var (item, answer, explanation) in matched.Rows)
        {
            item.GoldAnswer = answer.ToJson();
            item.GoldExplanation = explanation;
            item.RemainingSlots = 0;
        }

        await db.SaveChangesAsync(ct);
        draw.Forget(jobId);
        return new GoldImportReport(matched.Rows.Count, []);
    }

    /// <summary>Makes one item gold with the answer given (promoting a settled item from the dashboard).</summary>
    public async Task<Error?> MarkAsync(Guid jobId, Guid organisationId, Guid itemId, Answer answer, string? explanation, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        var item = job is null ? null : await db.Items.FirstOrDefaultAsync(i => i.Id == itemId && i.JobId == jobId, ct);
        if (job is null || item is null)
        {
            return Error.NotFound("The item");
        }

        var invalid = AnswerRules.Validate(new AnswerSchema(job.Kind, job.Labels, job.MinBoxSize, job.MaxBoxes, item.Width, item.Height), answer);
        if (invalid is not null)
        {
            return invalid;
        }

        item.GoldAnswer = answer.ToJson();
        item.GoldExplanation = string.IsNullOrWhiteSpace(explanation) ? null : explanation.Trim()[..Math.Min(explanation.Trim().Length, MaxExplanationLength)];
        item.RemainingSlots = 0;
        await db.SaveChangesAsync(ct);
        draw.Forget(jobId);
        return null;
    }

    /// <summary>Takes the gold mark off: the item goes back to the crowd for the answers it still lacks.</summary>
    public async Task<Error?> UnmarkAsync(Guid jobId, Guid organisationId, Guid itemId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        var item = job is null ? null : await db.Items.FirstOrDefaultAsync(i => i.Id == itemId && i.JobId == jobId && i.GoldAnswer != null, ct);
        if (job is null || item is null)
        {
            return Error.NotFound("The gold item");
        }

        var taken = await db.Assignments.CountAsync(a => a.ItemId == itemId && (a.Status == AssignmentStatus.Submitted || a.Status == AssignmentStatus.Leased), ct);
        item.GoldAnswer = null;
        item.GoldExplanation = null;
        item.RemainingSlots = Math.Max(0, job.AnswersPerItem - taken);
        await db.SaveChangesAsync(ct);
        draw.Forget(jobId);
        return null;
    }
}
