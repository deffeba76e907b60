using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Exports.ItemResults;

/// <summary>An item's final answer and where it stands (see <see cref="ItemStatus"/>).</summary>
public sealed record ItemSummary(
    Guid Id, int Ordinal, string SourceName, bool IsGold, string Status, int Answers,
    IReadOnlyList<string>? FinalLabels, IReadOnlyList<BoundingBox>? FinalBoxes, float? FinalConfidence, string? FinalSource, DateTimeOffset CreatedAt);

/// <summary>One worker's answer with the model's verdicts on it.</summary>
public sealed record ItemAnswer(string Worker, DateTimeOffset SubmittedAt, IReadOnlyList<string> Labels, IReadOnlyList<BoundingBox> Boxes, string? ReviewState, IReadOnlyList<ItemVerdict> Verdicts);

public sealed record ItemVerdict(int ModelVersion, string Outcome, string Reason, string? ModelLabel, float Confidence, DateTimeOffset At);

public sealed record ItemResult(ItemSummary Item, IReadOnlyList<ItemAnswer> Answers, string? MachineLabel, float? MachineConfidence);

public sealed record ItemPage(IReadOnlyList<ItemSummary> Items, int? NextAfter);

/// <summary>
/// A job's items with their results, a page at a time in upload order, and one item with every answer
/// that counts (submitted, worker shown as a pseudonym) and the model's verdicts.
/// </summary>
public sealed class JobItemResults(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int MaxPageSize = 500;

    public async Task<Result<ItemPage>> ListAsync(Guid jobId, Guid organisationId, int? after, int limit, CancellationToken ct = default)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return Error.Validation($"A page holds 1 to {MaxPageSize} items.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct))
        {
            return Error.NotFound("The job");
        }

        var from = after ?? -1;
        var rows = await Summaries(db, db.Items.Where(i => i.JobId == jobId && i.Ordinal > from).OrderBy(i => i.Ordinal).Take(limit + 1)).ToListAsync(ct);
        var page = rows.Take(limit).Select(r => r.ToSummary()).ToList();
        return new ItemPage(page, rows.Count > limit ? page[^1].Ordinal : null);
    }

    public async Task<Result<ItemResult>> FindAsync(Guid jobId, Guid organisationId, Guid itemId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OrganisationId == organisationId).Select(j => new { j.Id }).FirstOrDefaultAsync(ct);
        var row = job is null ? null : await Summaries(db, db.Items.Where(i => i.JobId == jobId && i.Id == itemId)).FirstOrDefaultAsync(ct);
        if (row is null)
        {
            return Error.NotFound("The item");
        }

        var answers = await db.Assignments.AsNoTracking()
            .Where(a => a.ItemId == itemId && a.Status == AssignmentStatus.Submitted)
            .OrderBy(a => a.SubmittedAt)
            .Select(a => new { a.Id, a.WorkerId, a.SubmittedAt, a.Label, a.AnswerJson, a.ReviewState })
            .ToListAsync(ct);
        var ids = answers.Select(a => a.Id).ToList();
        var verdicts = (await db.Verdicts.AsNoTracking().Where(v => ids.Contains(v.AssignmentId)).OrderBy(v => v.CreatedAt).ToListAsync(ct))
            .ToLookup(v => v.AssignmentId, v => new ItemVerdict(v.ModelVersion, v.Outcome.ToString(), v.Reason, v.ModelLabel, v.Confidence, v.CreatedAt));
        return new ItemResult(
            row.ToSummary(),
            answers.Select(a =>
            {
                var answer = Answer.FromJson(a.AnswerJson) ?? Answer.OneLabel(a.Label ?? "");
                return new ItemAnswer(WorkerPseudonyms.For(organisationId, a.WorkerId), a.SubmittedAt!.Value, answer.Labels, answer.Boxes, a.ReviewState?.ToString(), [.. verdicts[a.Id]]);
            }).ToList(),
            row.MachineLabel,
            row.MachineConfidence);
    }

    private static IQueryable<Row> Summaries(AppDbContext db, IQueryable<Item> items) =>
        items.AsNoTracking().Select(i => new Row(
            i.Id, i.Ordinal, i.SourceName, i.GoldAnswer != null, i.FinalState, i.MachineLabel, i.MachineConfidence, i.MachineAudit,
            db.Assignments.Count(a => a.ItemId == i.Id && a.Status == AssignmentStatus.Submitted),
            i.FinalAnswer, i.FinalConfidence, i.FinalSource, i.CreatedAt));

    private sealed record Row(
        Guid Id, int Ordinal, string SourceName, bool IsGold, string? FinalState, string? MachineLabel, float? MachineConfidence, bool MachineAudit,
        int Answers, string? FinalAnswer, float? FinalConfidence, string? FinalSource, DateTimeOffset CreatedAt)
    {
        public ItemSummary ToSummary()
        {
            var final = Answer.FromJson(FinalAnswer);
            return new ItemSummary(
                Id, Ordinal, SourceName, IsGold, ItemStatus.Of(IsGold, FinalState, MachineLabel is not null, MachineAudit, Answers), Answers,
                final?.Labels, final?.Boxes, FinalConfidence, FinalSource, CreatedAt);
        }
    }
}
