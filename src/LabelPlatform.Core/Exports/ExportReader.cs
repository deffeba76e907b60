using System.Data;
using LabelPlatform.Data;
using LabelPlatform.Exports.ItemResults;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.FinalLabels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace LabelPlatform.Exports;

public sealed record ExportAnswer(string Worker, DateTimeOffset SubmittedAt, Answer Answer, string? ReviewState, IReadOnlyList<ItemVerdict> Verdicts);

/// <summary>One item as every format writes it: where it stands, its final answer, and (when asked or needed) its answers.</summary>
public sealed record ExportItem(
    Guid Id, int Ordinal, string SourceName, int Width, int Height, string? Text, bool IsGold, string Status,
    Answer? Final, float? Confidence, string? Source, DateTimeOffset? FinalAt,
    string? MachineLabel, float? MachineConfidence, string? ModelVersion, int AnswerCount, IReadOnlyList<ExportAnswer> Answers);

/// <summary>
/// Reads a job's items for an export a page at a time, in upload order, inside one read-only snapshot:
/// memory stays the size of a page whatever the job's size, and a format that reads the items twice
/// (COCO: images, then annotations) sees the same items both times.
/// </summary>
public sealed class ExportReader : IAsyncDisposable
{
    public const int PageSize = 2_000;

    private readonly AppDbContext _db;
    private readonly IDbContextTransaction _snapshot;
    private readonly IQueryable<Item> _items;
    private readonly bool _withAnswers;
    private readonly IReadOnlyDictionary<Guid, string> _models;
    private readonly Dictionary<string, string> _pseudonyms = new(StringComparer.Ordinal);

    private ExportReader(AppDbContext db, IDbContextTransaction snapshot, Job job, IQueryable<Item> items, bool withAnswers, IReadOnlyDictionary<Guid, string> models, long total)
    {
        _db = db;
        _snapshot = snapshot;
        Job = job;
        _items = items;
        _withAnswers = withAnswers;
        _models = models;
        Total = total;
    }

    public Job Job { get; }

    /// <summary>The items the filters let through.</summary>
    public long Total { get; }

    /// <summary>Null when the organisation has no such job.</summary>
    public static async Task<ExportReader?> OpenAsync(IDbContextFactory<AppDbContext> dbFactory, Guid jobId, Guid organisationId, ExportOptions options, bool withAnswers, CancellationToken ct)
    {
        var db = await dbFactory.CreateDbContextAsync(ct);
        IDbContextTransaction? snapshot = null;
        try
        {
            snapshot = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            await db.Database.ExecuteSqlRawAsync("SET TRANSACTION READ ONLY", ct);
            var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
            if (job is null)
            {
                await snapshot.DisposeAsync();
                await db.DisposeAsync();
                return null;
            }

            var items = db.Items.AsNoTracking().Where(i => i.JobId == jobId);
            if (options.SettledOnly)
            {
                items = items.Where(i => i.FinalState == FinalState.Settled);
            }

            if (options.MinConfidence is { } min)
            {
                var floor = (float)min;
                items = items.Where(i => i.FinalConfidence >= floor);
            }

            if (options.From is { } from)
            {
                items = items.Where(i => i.FinalAt >= from);
            }

            if (options.To is { } to)
            {
                items = items.Where(i => i.FinalAt < to);
            }

            var models = await db.PrefilterRuns.AsNoTracking().Where(r => r.JobId == jobId)
                .Join(db.ReviewModels, r => r.ModelId, m => m.Id, (r, m) => new { r.Id, m.FileName, m.Version })
                .ToDictionaryAsync(r => r.Id, r => $"{r.FileName} v{r.Version}", ct);
            var total = await items.LongCountAsync(ct);
            return new ExportReader(db, snapshot, job, items, withAnswers, models, total);
        }
        catch
        {
            if (snapshot is not null)
            {
                await snapshot.DisposeAsync();
            }

            await db.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The items a page at a time; call again for another pass over the same snapshot. The next page is
    /// read while the caller writes this one: the database and the writer work side by side.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<ExportItem>> PagesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        var next = FetchAsync(-1, ct);
        try
        {
            while (true)
            {
                var page = await next;
                if (page.Count == 0)
                {
                    yield break;
                }

                next = FetchAsync(page[^1].Ordinal, ct);
                yield return page;
            }
        }
        finally
        {
            // A caller that stops early (an error, a cancelled download) leaves no read running on the context it disposes.
            try
            {
                await next;
            }
            catch (Exception)
            {
                // The caller's own failure is the one that counts; this read's result is not wanted.
            }
        }
    }

    /// <summary>The page after the item numbered <paramref name="from"/>, with its answers when they are wanted.</summary>
    private async Task<List<ExportItem>> FetchAsync(int from, CancellationToken ct)
    {
        // Off the caller's path: the caller goes on writing the page it has while this one is read.
        await Task.Yield();
        var withAnswers = _withAnswers;
        var rows = await _items.Where(i => i.Ordinal > from).OrderBy(i => i.Ordinal).Take(PageSize)
            .Select(i => new
            {
                i.Id,
                i.Ordinal,
                i.SourceName,
                i.Width,
                i.Height,
                i.Text,
                IsGold = i.GoldAnswer != null,
                i.FinalState,
                i.FinalAnswer,
                i.FinalConfidence,
                i.FinalSource,
                i.FinalAt,
                i.MachineLabel,
                i.MachineConfidence,
                i.MachineAudit,
                i.PrefilterRunId,
                HasPreAnnotation = i.PreAnnotation != null,
                // With the answers read anyway, they are counted from them (the same lookups, once).
                Answers = withAnswers ? 0 : _db.Assignments.Count(a => a.ItemId == i.Id && a.Status == AssignmentStatus.Submitted),
            })
            .ToListAsync(ct);
        if (rows.Count == 0)
        {
            return [];
        }

        var answers = _withAnswers ? await AnswersAsync(rows.Select(r => r.Id).ToList(), ct) : null;
        var boxes = Job.Kind.DrawsBoxes();
        return rows.Select(r =>
        {
            // The model stands behind the final answer when it decided alone, or voted first on a classification.
            var modelBehind = r.FinalSource == FinalSource.Model || (r.HasPreAnnotation && r.FinalSource is not null && !boxes);
            var source = r.FinalSource ?? (r.FinalState == FinalState.Undecided ? "undecided" : null);
            var count = answers is null ? r.Answers : answers[r.Id].Count();
            return new ExportItem(
                r.Id, r.Ordinal, r.SourceName, r.Width, r.Height, r.Text, r.IsGold,
                ItemStatus.Of(r.IsGold, r.FinalState, r.MachineLabel is not null, r.MachineAudit, count),
                Answer.FromJson(r.FinalAnswer), r.FinalConfidence, source, r.FinalAt, r.MachineLabel, r.MachineConfidence,
                modelBehind && r.PrefilterRunId is { } run ? _models.GetValueOrDefault(run) : null,
                count, answers is null ? [] : [.. answers[r.Id]]);
        }).ToList();
    }

    private async Task<ILookup<Guid, ExportAnswer>> AnswersAsync(List<Guid> itemIds, CancellationToken ct)
    {
        var rows = await _db.Assignments.AsNoTracking()
            .Where(a => itemIds.Contains(a.ItemId) && a.Status == AssignmentStatus.Submitted)
            .Select(a => new { a.Id, a.ItemId, a.WorkerId, a.SubmittedAt, a.Label, a.AnswerJson, a.ReviewState })
            .ToListAsync(ct);
        // In the order they came, per item (a handful each: sorted here, not by the database over the page).
        rows.Sort((x, y) => Nullable.Compare(x.SubmittedAt, y.SubmittedAt));
        var ids = rows.Select(a => a.Id).ToList();
        var verdicts = (await _db.Verdicts.AsNoTracking().Where(v => ids.Contains(v.AssignmentId)).OrderBy(v => v.CreatedAt)
                .Select(v => new { v.AssignmentId, v.ModelVersion, v.Outcome, v.Reason, v.ModelLabel, v.Confidence, v.CreatedAt })
                .ToListAsync(ct))
            .ToLookup(v => v.AssignmentId, v => new ItemVerdict(v.ModelVersion, v.Outcome.ToString(), v.Reason, v.ModelLabel, v.Confidence, v.CreatedAt));
        return rows.ToLookup(a => a.ItemId, a => new ExportAnswer(
            Pseudonym(a.WorkerId), a.SubmittedAt!.Value,
            Answer.FromJson(a.AnswerJson) ?? Answer.OneLabel(a.Label ?? ""), a.ReviewState?.ToString(), [.. verdicts[a.Id]]));
    }

    /// <summary>A crowd is far smaller than its answers: each worker's pseudonym is hashed once per export.</summary>
    private string Pseudonym(string workerId)
    {
        if (!_pseudonyms.TryGetValue(workerId, out var pseudonym))
        {
            _pseudonyms[workerId] = pseudonym = WorkerPseudonyms.For(Job.OrganisationId, workerId);
        }

        return pseudonym;
    }

    public async ValueTask DisposeAsync()
    {
        await _snapshot.DisposeAsync();
        await _db.DisposeAsync();
    }
}
