using System.Text.Json;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Labelling;

namespace LabelPlatform.Jobs.Labels;

/// <summary>
/// Labels as a table: CSV with a header, <c>item</c> (the uploaded file's path or name, or the item id), <c>label</c>
/// (multi-label jobs: <c>labels</c>, separated by <c>|</c>) and an optional <c>explanation</c>; or JSONL with <c>item</c>,
/// <c>label</c> / <c>labels</c> (array) / <c>boxes</c> (array of {label, x, y, w, h} in image pixels) and <c>explanation</c>.
/// </summary>
public static class LabelTables
{
    /// <summary>Reads a .csv, .jsonl or .ndjson file; a file it cannot read at all throws <see cref="FormatException"/> with the reason.</summary>
    public static List<LabelRow> Parse(string fileName, string content) => Path.GetExtension(fileName).ToLowerInvariant() switch
    {
        ".csv" => Csv(content),
        ".jsonl" or ".ndjson" => Jsonl(content),
        _ => throw new FormatException($"\"{fileName}\" is not a .csv or .jsonl file"),
    };

    public static List<LabelRow> Csv(string content)
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

        var result = new List<LabelRow>();
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue;
            }

            if (fields.Count != header.Count)
            {
                result.Add(LabelRow.Bad($"line {line}", $"has {fields.Count} fields; the header has {header.Count}"));
                continue;
            }

            var answer = label >= 0
                ? Answer.OneLabel(fields[label].Trim())
                : Answer.ManyLabels(fields[labels].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            result.Add(new LabelRow($"line {line}", fields[item], answer, explanation >= 0 ? fields[explanation] : null));
        }

        return result;
    }

    public static List<LabelRow> Jsonl(string content)
    {
        var result = new List<LabelRow>();
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
                    result.Add(LabelRow.Bad($"line {line}", "needs an object with an \"item\" string"));
                    continue;
                }

                Answer? answer = root.TryGetProperty("boxes", out var boxes) ? Answer.WithBoxes(boxes.EnumerateArray().Select(Box))
                    : root.TryGetProperty("labels", out var many) ? Answer.ManyLabels(many.EnumerateArray().Select(l => l.GetString() ?? ""))
                    : root.TryGetProperty("label", out var one) && one.ValueKind == JsonValueKind.String ? Answer.OneLabel(one.GetString()!)
                    : null;
                if (answer is null)
                {
                    result.Add(LabelRow.Bad($"line {line}", "needs \"label\", \"labels\" or \"boxes\""));
                    continue;
                }

                var explanation = root.TryGetProperty("explanation", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                result.Add(new LabelRow($"line {line}", item.GetString()!, answer, explanation));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
            {
                result.Add(LabelRow.Bad($"line {line}", $"is not a label row ({e.Message.Split('.')[0]})"));
            }
        }

        return result;
    }

    private static BoundingBox Box(JsonElement box) =>
        new(box.GetProperty("label").GetString() ?? "", box.GetProperty("x").GetDouble(), box.GetProperty("y").GetDouble(), box.GetProperty("w").GetDouble(), box.GetProperty("h").GetDouble());
}
