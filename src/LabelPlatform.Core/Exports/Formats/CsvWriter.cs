using System.Globalization;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Aggregation;

namespace LabelPlatform.Exports.Formats;

/// <summary>
/// One row per item: its status, the vote counts per label and every worker's answer that counts (rejected and
/// discarded answers do not; workers by pseudonym), then the final answer with its posterior probability
/// (agreement for box jobs), who it comes from (model, crowd, reviewer, undecided) and the model version behind
/// it. Multi-label jobs: the labels a majority chose, and how many answers chose each label. Box jobs: boxes per
/// class, and each worker's boxes as JSON in image pixels. Status: gold, done (settled: as sure as the job asks,
/// or decided by a reviewer), undecided (out of answers below the target: waiting for a reviewer), machine_labelled
/// (the model alone, waiting for its calibration), in_progress, not_started.
/// </summary>
internal static class CsvWriter
{
    public static async Task WriteAsync(ExportReader reader, Stream output, Action<long> written, CancellationToken ct)
    {
        var job = reader.Job;
        await using var writer = new StreamWriter(output, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024, leaveOpen: true);
        var header = new List<string> { "item_id", "file", "status", "majority_label", "agreement", "answers", "tied_labels" };
        header.AddRange(job.Labels.Select(l => $"votes:{l}"));
        header.AddRange(["worker_answers", "machine_label", "machine_confidence", "final_answer", "final_confidence", "final_source", "model_version"]);
        await writer.WriteLineAsync(CsvField.Line(header));

        await foreach (var page in reader.PagesAsync(ct))
        {
            foreach (var item in page)
            {
                await writer.WriteLineAsync(CsvField.Line(Row(job, item)));
            }

            written(page.Count);
        }

        await writer.FlushAsync(ct);
    }

    private static List<string?> Row(Job job, ExportItem item)
    {
        var row = new List<string?> { item.Id.ToString(), item.SourceName, item.Status };
        var answers = item.Answers;
        if (job.Kind.DrawsBoxes())
        {
            row.AddRange(["", "", answers.Count.ToString(CultureInfo.InvariantCulture), ""]);
            row.AddRange(job.Labels.Select(l => answers.Sum(a => a.Answer.Boxes.Count(b => b.Label == l)).ToString(CultureInfo.InvariantCulture)));
            row.Add(string.Join('|', answers.Select(a => $"{a.Worker}={BoxesJson(a.Answer.Boxes)}")));
        }
        else if (job.Kind.AllowsManyLabels())
        {
            var chosen = job.Labels.ToDictionary(l => l, l => answers.Count(a => a.Answer.Labels.Contains(l)));
            row.AddRange([string.Join('|', job.Labels.Where(l => chosen[l] * 2 > answers.Count)), "", answers.Count.ToString(CultureInfo.InvariantCulture), ""]);
            row.AddRange(job.Labels.Select(l => chosen[l].ToString(CultureInfo.InvariantCulture)));
            row.Add(string.Join('|', answers.Select(a => $"{a.Worker}={string.Join(';', a.Answer.Labels)}")));
        }
        else
        {
            var vote = MajorityVote.Decide(answers.Select(a => a.Answer.SingleLabel ?? ""), job.Labels);
            row.AddRange(
            [
                vote.Label,
                vote.Label is null ? "" : vote.Agreement.ToString("0.###", CultureInfo.InvariantCulture),
                vote.Total.ToString(CultureInfo.InvariantCulture),
                string.Join('|', vote.Tied),
            ]);
            row.AddRange(job.Labels.Select(l => vote.Counts.GetValueOrDefault(l).ToString(CultureInfo.InvariantCulture)));
            row.Add(string.Join('|', answers.Select(a => $"{a.Worker}={a.Answer.SingleLabel}")));
        }

        row.AddRange([item.MachineLabel ?? "", item.MachineConfidence?.ToString("0.####", CultureInfo.InvariantCulture) ?? ""]);

        // The background aggregation's answer (the job's method: majority, weighted vote, Dawid–Skene, box clusters).
        var final = item.Final;
        row.Add(final is null ? "" : final.Boxes.Count > 0 ? BoxesJson(final.Boxes) : string.Join('|', final.Labels));
        row.Add(item.Confidence?.ToString("0.####", CultureInfo.InvariantCulture) ?? "");
        row.Add(item.Source == "undecided" ? "" : item.Source ?? "");
        row.Add(item.ModelVersion ?? "");
        return row;
    }

    /// <summary>Boxes in image pixels as the CSV carries them: label and geometry, without the suggestion mark.</summary>
    private static string BoxesJson(IReadOnlyList<BoundingBox> boxes)
    {
        var buffer = Buffer.Value!;
        buffer.ResetWrittenCount();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var b in boxes)
            {
                json.WriteStartObject();
                json.WriteString("Label", b.Label);
                json.WriteNumber("X", b.X);
                json.WriteNumber("Y", b.Y);
                json.WriteNumber("W", b.W);
                json.WriteNumber("H", b.H);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly ThreadLocal<System.Buffers.ArrayBufferWriter<byte>> Buffer = new(() => new System.Buffers.ArrayBufferWriter<byte>(1024));
}
