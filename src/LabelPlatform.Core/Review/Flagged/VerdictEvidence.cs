using System.Globalization;
using System.Text.Json;

namespace LabelPlatform.Review.Flagged;

/// <summary>One of the model's top classes.</summary>
public sealed record EvidenceClass(string Label, double Probability);

/// <summary>A list of objects in the evidence (matched box pairs, unmatched boxes, ...) as rows under its name.</summary>
public sealed record EvidenceTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>
/// A verdict's evidence JSON, shaped for reading: the classifier's top classes when present, every
/// other list of objects as a small table, and anything else as name and value. Detection evidence
/// (matched boxes and their IoUs) comes through the generic part, whatever its field names.
/// </summary>
public sealed record VerdictEvidence(IReadOnlyList<EvidenceClass> TopClasses, IReadOnlyList<EvidenceTable> Tables, IReadOnlyList<KeyValuePair<string, string>> Values)
{
    public static readonly VerdictEvidence Empty = new([], [], []);

    public bool IsEmpty => TopClasses.Count == 0 && Tables.Count == 0 && Values.Count == 0;

    public static VerdictEvidence Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return Empty;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            return new VerdictEvidence([], [], [new("evidence", json)]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new VerdictEvidence([], [], [new("evidence", Text(document.RootElement))]);
            }

            var top = new List<EvidenceClass>();
            var tables = new List<EvidenceTable>();
            var values = new List<KeyValuePair<string, string>>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "top" && TopClassesOf(property.Value) is { } classes)
                {
                    top.AddRange(classes);
                }
                else if (property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().Any() && property.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Object))
                {
                    tables.Add(TableOf(property.Name, property.Value));
                }
                else
                {
                    values.Add(new(property.Name, Text(property.Value)));
                }
            }

            return new VerdictEvidence(top, tables, values);
        }
    }

    private static List<EvidenceClass>? TopClassesOf(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var classes = new List<EvidenceClass>();
        foreach (var entry in element.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("probability", out var p) || p.ValueKind != JsonValueKind.Number)
            {
                return null;
            }

            var label = entry.TryGetProperty("label", out var l) && l.ValueKind == JsonValueKind.String ? l.GetString()!
                : entry.TryGetProperty("classIndex", out var c) ? $"class {Text(c)} (not a label of this job)"
                : "?";
            classes.Add(new EvidenceClass(label, p.GetDouble()));
        }

        return classes;
    }

    private static EvidenceTable TableOf(string name, JsonElement array)
    {
        var columns = new List<string>();
        foreach (var row in array.EnumerateArray())
        {
            columns.AddRange(row.EnumerateObject().Select(p => p.Name).Where(n => !columns.Contains(n)).ToList());
        }

        var rows = array.EnumerateArray()
            .Select(row => (IReadOnlyList<string>)columns.Select(c => row.TryGetProperty(c, out var v) ? Text(v) : "").ToList())
            .ToList();
        return new EvidenceTable(name, columns, rows);
    }

    /// <summary>
    /// Strings as they are, numbers rounded for reading, a box ({x, y, w, h}) as "w × h at x, y" like
    /// the workspace's box list, other objects as "name value" pairs, lists joined, an empty list as "none".
    /// </summary>
    private static string Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Number => Number(value),
        JsonValueKind.Null => "",
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Array => value.GetArrayLength() == 0 ? "none" : string.Join(", ", value.EnumerateArray().Select(Text)),
        _ when IsBox(value) => $"{Number(value.GetProperty("w"))} × {Number(value.GetProperty("h"))} at {Number(value.GetProperty("x"))}, {Number(value.GetProperty("y"))}",
        _ => string.Join(", ", value.EnumerateObject().Select(p => $"{p.Name} {Text(p.Value)}")),
    };

    private static string Number(JsonElement value) => Math.Round(value.GetDouble(), 4).ToString(CultureInfo.InvariantCulture);

    private static bool IsBox(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object
        && value.EnumerateObject().Count() == 4
        && new[] { "x", "y", "w", "h" }.All(n => value.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.Number);
}
