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
/// One row per item: its status, the vote counts per label and every worker's answer that counts (rejected and
/// discarded answers do not), then the final answer with its posterior probability (agreement for box jobs), who it
/// comes from (model, crowd, reviewer) and the model version behind it. Multi-label jobs: the labels a majority chose,
/// and how many answers chose each label. Box jobs: boxes per class, and each worker's boxes as JSON in image pixels.
/// Status: gold, done (settled: as sure as the job asks, or decided by a reviewer), undecided (out of answers below the
/// target: waiting for a reviewer), machine_labelled (the model alone, waiting for its calibration), in_progress, not_started.
/// The final labels are recomputed first when anything changed since the last recompute.
/// </summary>
public sealed class ExportJobCsv(IDbContextFactory<AppDbContext> dbFactory, Quality.FinalLabels.RecomputeFinalLabels recompute)
{
    public async Task<Error?> WriteAsync(Guid jobId, Guid organisationId, TextWriter output, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        if (job.Status != JobStatus.Draft)
        {
            await recompute.EnsureFreshAsync(jobId, ct);
        }

        var models = await db.PrefilterRuns.AsNoTracking().Where(r => r.JobId == jobId)
            .Join(db.ReviewModels, r => r.ModelId, m => m.Id, (r, m) => new { r.Id, m.FileName, m.Version })
            .ToDictionaryAsync(r => r.Id, r => $"{r.FileName} v{r.Version}", ct);

        var answers = (await db.Assignments.AsNoTracking()
                .Where(a => a.JobId == jobId && a.Status == AssignmentStatus.Submitted)
                .OrderBy(a => a.SubmittedAt)
                .Select(a => new { a.ItemId, a.WorkerId, a.Label, a.AnswerJson })
                .ToListAsync(ct))
            .ToLookup(a => a.ItemId);

        var header = new List<string> { "item_id", "file", "status", "majority_label", "agreement", "answers", "tied_labels" };
        header.AddRange(job.Labels.Select(l => $"votes:{l}"));
        header.AddRange(["worker_answers", "machine_label", "machine_confidence", "final_answer", "final_confidence", "final_source", "model_version"]);
        await output.WriteLineAsync(CsvField.Line(header));

        var items = db.Items.AsNoTracking().Where(i => i.JobId == jobId).OrderBy(i => i.Ordinal)
            .Select(i => new { i.Id, i.SourceName, i.MachineLabel, i.MachineConfidence, i.MachineAudit, i.GoldAnswer, i.FinalAnswer, i.FinalConfidence, i.FinalSource, i.FinalState, i.PrefilterRunId, i.PreAnnotation })
            .AsAsyncEnumerable();
        await foreach (var item in items.WithCancellation(ct))
        {
            var itemAnswers = answers[item.Id].ToList();
            var status = ItemResults.ItemStatus.Of(item.GoldAnswer is not null, item.FinalState, item.MachineLabel is not null, item.MachineAudit, itemAnswers.Count);
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
                    vote.Label,
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
            row.Add(item.FinalSource ?? "");
            var modelBehind = item.FinalSource is Quality.FinalLabels.FinalSource.Model || (item.PreAnnotation is not null && item.FinalSource is not null && !job.Kind.DrawsBoxes());
            row.Add(modelBehind && item.PrefilterRunId is { } run ? models.GetValueOrDefault(run, "") : "");
            await output.WriteLineAsync(CsvField.Line(row));
        }

        return null;
    }

    /// <summary>Boxes in image pixels as the CSV carries them: label and geometry, without the suggestion mark.</summary>
    private static string BoxesJson(IEnumerable<BoundingBox> boxes) =>
        System.Text.Json.JsonSerializer.Serialize(boxes.Select(b => new { b.Label, b.X, b.Y, b.W, b.H }));
}
