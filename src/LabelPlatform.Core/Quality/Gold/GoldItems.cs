using System.Text.Json;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Quality.Gold;

/// <summary>A gold answer as a researcher gives it: which item, its known answer, and why.</summary>
public sealed record GoldRow(string Item, Answer Answer, string? Explanation);

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
    public const int MaxExplanationLength = 2000;

    /// <summary>
    /// CSV with a header: <c>item</c> (the uploaded file's path or name, or the item id), <c>label</c>
    /// (multi-label jobs: <c>labels</c>, separated by <c>|</c>) and an optional <c>explanation</c>; or
    /// JSONL with <c>item</c>, <c>label</c> / <c>labels</c> (array) / <c>boxes</c> (array of
    /// {label, x, y, w, h} in image pixels) and <c>explanation</c>.
    /// </summary>
    public async Task<Result<GoldImportReport>> ImportAsync(Guid jobId, Guid organisationId, string fileName, string content, CancellationToken ct = default)
    {
        List<(int Line, GoldRow? Row, string? Error)> rows;
        try
        {
            rows = Path.GetExtension(fileName).ToLowerInvariant() switch
            {
                ".csv" => ParseCsv(content),
                ".jsonl" or ".ndjson" => ParseJsonl(content),
                _ => throw new FormatException($"\"{fileName}\" is not a .csv or .jsonl file"),
            };
        }
        catch (FormatException e)
        {
            return Error.Validation($"No gold was marked: {e.Message}.");
        }

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

        var items = await db.Items.Where(i => i.JobId == jobId).ToListAsync(ct);
        var byName = items.GroupBy(i => i.SourceName, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var byId = items.ToDictionary(i => i.Id.ToString());
        var problems = new List<string>();
        var marks = new List<(Item Item, GoldRow Row)>();
        foreach (var (line, row, error) in rows)
        {
            if (row is null)
            {
                problems.Add($"line {line}: {error}");
                continue;
            }

            var item = byId.GetValueOrDefault(row.Item.Trim().ToLowerInvariant())
                ?? (byName.TryGetValue(row.Item.Trim(), out var named) ? (named.Count == 1 ? named[0] : null) : null);
            if (item is null)
            {
                problems.Add(byName.TryGetValue(row.Item.Trim(), out var many) && many.Count > 1
                    ? $"line {line}: \"{row.Item}\" names {many.Count} items; use the item id"
                    : $"line {line}: the job has no item \"{row.Item}\"");
                continue;
            }

            var invalid = AnswerRules.Validate(new AnswerSchema(job.Kind, job.Labels, job.MinBoxSize, job.MaxBoxes, item.Width, item.Height), row.Answer);
            if (invalid is not null)
            {
                problems.Add($"line {line}: {invalid.Message}");
                continue;
            }

            if (row.Explanation is { Length: > MaxExplanationLength })
            {
                problems.Add($"line {line}: the explanation is longer than {MaxExplanationLength} characters");
                continue;
            }

            marks.Add((item, row));
        }

        if (problems.Count > 0)
        {
            return new GoldImportReport(0, problems);
        }

        foreach (var (item, row) in marks)
        {
            item.GoldAnswer = row.Answer.ToJson();
            item.GoldExplanation = string.IsNullOrWhiteSpace(row.Explanation) ? null : row.Explanation.Trim();
            item.RemainingSlots = 0;
        }

        await db.SaveChangesAsync(ct);
        draw.Forget(jobId);
        return new GoldImportReport(marks.Count, []);
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

    private static List<(int, GoldRow?, string?)> ParseCsv(string content)
    {
        if (content.Length > 0 && content[0] == '\uFEFF')
        {
            content = content[1..];
        }

        var rows = TextRecords.CsvRows(content).ToList();
        if (rows.Count == 0)
        {
            throw new FormatException("the CSV is empty: it needs a header row with \"item\" and \"label\" columns");
        }

        var header = rows[0].Fields.Select(f => f.Trim().ToLowerInvariant()).ToList();
        var item = header.IndexOf("item");
        var label = header.IndexOf("label");
        var labels = header.IndexOf("labels");
        var explanation = header.IndexOf("explanation");
        if (item < 0 || (label < 0 && labels < 0))
        {
            throw new FormatException($"the CSV needs an \"item\" column and a \"label\" or \"labels\" column (its header: {string.Join(", ", header.Select(h => $"\"{h}\""))})");
        }

        var result = new List<(int, GoldRow?, string?)>();
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (fields.Count != header.Count)
            {
                result.Add((line, null, $"has {fields.Count} fields; the header has {header.Count}"));
                continue;
            }

            var answer = label >= 0
                ? Answer.OneLabel(fields[label].Trim())
                : Answer.ManyLabels(fields[labels].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            result.Add((line, new GoldRow(fields[item], answer, explanation >= 0 ? fields[explanation] : null), null));
        }

        return result;
    }

    private static List<(int, GoldRow?, string?)> ParseJsonl(string content)
    {
        var result = new List<(int, GoldRow?, string?)>();
        var line = 0;
        foreach (var text in content.Split('\n'))
        {
            line++;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                using var json = JsonDocument.Parse(text);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("item", out var item) || item.ValueKind != JsonValueKind.String)
                {
                    result.Add((line, null, "needs an object with an \"item\" string"));
                    continue;
                }

                Answer? answer = root.TryGetProperty("boxes", out var boxes) ? Answer.WithBoxes(boxes.EnumerateArray().Select(Box))
                    : root.TryGetProperty("labels", out var many) ? Answer.ManyLabels(many.EnumerateArray().Select(l => l.GetString() ?? ""))
                    : root.TryGetProperty("label", out var one) && one.ValueKind == JsonValueKind.String ? Answer.OneLabel(one.GetString()!)
                    : null;
                if (answer is null)
                {
                    result.Add((line, null, "needs \"label\", \"labels\" or \"boxes\""));
                    continue;
                }

                var explanation = root.TryGetProperty("explanation", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                result.Add((line, new GoldRow(item.GetString()!, answer, explanation), null));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                result.Add((line, null, $"is not a gold row ({e.Message.Split('.')[0]})"));
            }
        }

        return result;
    }

    private static BoundingBox Box(JsonElement box) =>
        new(box.GetProperty("label").GetString() ?? "", box.GetProperty("x").GetDouble(), box.GetProperty("y").GetDouble(), box.GetProperty("w").GetDouble(), box.GetProperty("h").GetDouble());
}
