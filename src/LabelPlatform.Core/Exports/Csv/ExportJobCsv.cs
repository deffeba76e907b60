using System.Globalization;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Exports.Csv;

/// <summary>
/// One row per item: its majority label, the vote counts per label and every worker's answer.
/// Multi-label jobs: the labels a majority chose, and how many answers chose each label. Box jobs:
/// boxes per class, and each worker's boxes as JSON in image pixels (merging boxes is issue #6).
/// </summary>
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
                .Select(a => new { a.ItemId, a.WorkerId, a.Label, a.AnswerJson })
                .ToListAsync(ct))
            .ToLookup(a => a.ItemId);

        var header = new List<string> { "item_id", "file", "status", "majority_label", "agreement", "answers", "tied_labels" };
        header.AddRange(job.Labels.Select(l => $"votes:{l}"));
        header.AddRange(["worker_answers", "machine_label", "machine_confidence", "final_answer", "final_confidence"]);
        await output.WriteLineAsync(CsvField.Line(header));

        var items = db.Items.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.Ordinal)
            .Select(i => new { i.Id, i.SourceName, i.MachineLabel, i.MachineConfidence, i.MachineAudit, i.GoldAnswer, i.FinalAnswer, i.FinalConfidence }).AsAsyncEnumerable();
        await foreach (var item in items.WithCancellation(ct))
        {
            var itemAnswers = answers[item.Id].ToList();
            // Labelled by the model before launch, with no person needed (the audit sample is labelled by people as well).
            var byMachine = item.MachineLabel is not null && !item.MachineAudit;
            var status = item.GoldAnswer is not null ? "gold" : byMachine ? "machine_labelled" : itemAnswers.Count >= job.AnswersPerItem ? "done" : itemAnswers.Count == 0 ? "not_started" : "in_progress";
            var row = new List<string?> { item.Id.ToString(), item.SourceName, status };
            var parsed = itemAnswers.Select(a => (a.WorkerId, Answer: Answer.FromJson(a.AnswerJson) ?? Answer.OneLabel(a.Label ?? ""))).ToList();
            if (job.Kind.DrawsBoxes())
            {
                row.AddRange(["", "", itemAnswers.Count.ToString(CultureInfo.InvariantCulture), ""]);
                row.AddRange(job.Labels.Select(l => parsed.Sum(p => p.Answer.Boxes.Count(b => b.Label == l)).ToString(CultureInfo.InvariantCulture)));
                row.Add(string.Join('|', parsed.Select(p => $"{p.WorkerId}={BoxesJson(p.Answer.Boxes)}")));
            }
            else if (job.Kind.AllowsManyLabels())
            {
                var chosen = job.Labels.ToDictionary(l => l, l => parsed.Count(p => p.Answer.Labels.Contains(l)));
                row.AddRange([string.Join('|', job.Labels.Where(l => chosen[l] * 2 > parsed.Count)), "", parsed.Count.ToString(CultureInfo.InvariantCulture), ""]);
                row.AddRange(job.Labels.Select(l => chosen[l].ToString(CultureInfo.InvariantCulture)));
                row.Add(string.Join('|', parsed.Select(p => $"{p.WorkerId}={string.Join(';', p.Answer.Labels)}")));
            }
            else
            {
                var vote = MajorityVote.Decide(itemAnswers.Select(a => a.Label!), job.Labels);
                row.AddRange(
                [
                    byMachine ? item.MachineLabel : vote.Label,
                    vote.Label is null ? "" : vote.Agreement.ToString("0.###", CultureInfo.InvariantCulture),
                    vote.Total.ToString(CultureInfo.InvariantCulture),
                    string.Join('|', vote.Tied),
                ]);
                row.AddRange(job.Labels.Select(l => vote.Counts.GetValueOrDefault(l).ToString(CultureInfo.InvariantCulture)));
                row.Add(string.Join('|', itemAnswers.Select(a => $"{a.WorkerId}={a.Label}")));
            }

            row.AddRange([item.MachineLabel ?? "", item.MachineConfidence?.ToString("0.####", CultureInfo.InvariantCulture) ?? ""]);

            // The background aggregation's answer (the job's method: majority, weighted vote, Dawid–Skene, box clusters).
            var final = Answer.FromJson(item.FinalAnswer);
            row.Add(final is null ? "" : final.Boxes.Count > 0 ? BoxesJson(final.Boxes) : string.Join('|', final.Labels));
            row.Add(item.FinalConfidence?.ToString("0.####", CultureInfo.InvariantCulture) ?? "");
            await output.WriteLineAsync(CsvField.Line(row));
        }

        return null;
    }

    /// <summary>Boxes in image pixels as the CSV carries them: label and geometry, without the suggestion mark.</summary>
    private static string BoxesJson(IEnumerable<BoundingBox> boxes) =>
        System.Text.Json.JsonSerializer.Serialize(boxes.Select(b => new { b.Label, b.X, b.Y, b.W, b.H }));
}
