using System.Globalization;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Exports.Csv;

/// <summary>One row per item: its majority label, the vote counts per label and every worker's answer.</summary>
public sealed class ExportJobCsv(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Error?> WriteAsync(Guid jobId, Guid organisationId, TextWriter output, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        var answers = (await db.Assignments.AsNoTracking()
                .Where(a => a.JobId == jobId && a.Status == AssignmentStatus.Submitted)
                .OrderBy(a => a.SubmittedAt)
                .Select(a => new { a.ItemId, a.WorkerId, a.Label })
                .ToListAsync(ct))
            .ToLookup(a => a.ItemId);

        var header = new List<string> { "item_id", "file", "status", "majority_label", "agreement", "answers", "tied_labels" };
        header.AddRange(job.Labels.Select(l => $"votes:{l}"));
        header.Add("worker_answers");
        await output.WriteLineAsync(CsvField.Line(header));

        var items = db.Items.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.Ordinal)
            .Select(i => new { i.Id, i.SourceName }).AsAsyncEnumerable();
        await foreach (var item in items.WithCancellation(ct))
        {
            var itemAnswers = answers[item.Id].ToList();
            var vote = MajorityVote.Decide(itemAnswers.Select(a => a.Label!), job.Labels);
            var status = itemAnswers.Count >= job.AnswersPerItem ? "done" : itemAnswers.Count == 0 ? "not_started" : "in_progress";
            var row = new List<string?>
            {
                item.Id.ToString(),
                item.SourceName,
                status,
                vote.Label,
                vote.Label is null ? "" : vote.Agreement.ToString("0.###", CultureInfo.InvariantCulture),
                vote.Total.ToString(CultureInfo.InvariantCulture),
                string.Join('|', vote.Tied),
            };
            row.AddRange(job.Labels.Select(l => vote.Counts.GetValueOrDefault(l).ToString(CultureInfo.InvariantCulture)));
            row.Add(string.Join('|', itemAnswers.Select(a => $"{a.WorkerId}={a.Label}")));
            await output.WriteLineAsync(CsvField.Line(row));
        }

        return null;
    }
}
