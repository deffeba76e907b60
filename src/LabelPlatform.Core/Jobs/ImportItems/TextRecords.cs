using System.Globalization;
using System.Text.Json;
using CsvHelper;
using CsvHelper.Configuration;

namespace LabelPlatform.Jobs.ImportItems;

/// <summary>One text read from an upload: where it was, its optional name, and the text or why it is unusable.</summary>
public sealed record TextRecord(int Line, string? Name, string? Text, string? Error);

/// <summary>
/// Reads texts to label from CSV (RFC 4180: a header row with a <c>text</c> column and an optional
/// <c>name</c> or <c>id</c> column; quoted fields may span lines) or JSONL (one object per line
/// with <c>text</c> and optional <c>name</c> or <c>id</c>). A file that cannot be read at all
/// throws <see cref="FormatException"/> with a message that says why.
/// </summary>
public static class TextRecords
{
    public static IReadOnlyList<TextRecord> Parse(string fileName, string content)
    {
        if (content.Length > 0 && content[0] == '\uFEFF')
        {
            content = content[1..];
        }

        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        return extension switch
        {
            ".csv" => ParseCsv(content),
            ".jsonl" or ".ndjson" => ParseJsonl(content),
            _ => throw new FormatException($"\"{fileName}\" is not a .csv or .jsonl file"),
        };
    }

    private static List<TextRecord> ParseCsv(string content)
    {
        var rows = CsvRows(content).ToList();
        if (rows.Count == 0)
        {
            throw new FormatException("the CSV is empty: it needs a header row with a \"text\" column");
        }

        var header = rows[0].Fields.Select(f => f.Trim()).ToList();
        var textColumn = header.FindIndex(h => h.Equals("text", StringComparison.OrdinalIgnoreCase));
        if (textColumn < 0)
        {
            throw new FormatException($"the CSV has no \"text\" column (its header: {string.Join(", ", header.Select(h => $"\"{h}\""))})");
        }

        var nameColumn = header.FindIndex(h => h.Equals("name", StringComparison.OrdinalIgnoreCase));
        if (nameColumn < 0)
        {
            nameColumn = header.FindIndex(h => h.Equals("id", StringComparison.OrdinalIgnoreCase));
        }

        var records = new List<TextRecord>();
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0)
            {
                continue; // a blank line
            }

            if (fields.Count != header.Count)
            {
                records.Add(new(line, null, null, $"has {fields.Count} fields; the header has {header.Count}"));
                continue;
            }

            records.Add(Check(line, nameColumn >= 0 ? fields[nameColumn] : null, fields[textColumn]));
        }

        return records;
    }

    /// <summary>
    /// CSV rows (RFC 4180, read by CsvHelper) with the line each starts on; a blank line is one
    /// empty field. A quoted field still open at the end of the file is refused: the rest of the
    /// file would otherwise become one field.
    /// </summary>
    public static IEnumerable<(int Line, List<string> Fields)> CsvRows(string content)
    {
        var unclosedQuote = false;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Mode = CsvMode.RFC4180,
            IgnoreBlankLines = false,
            DetectColumnCountChanges = false,
            // A stray quote inside a field is kept as a character; one that opens a field and never
            // closes it is reported below.
            BadDataFound = bad => unclosedQuote |= bad.Field.StartsWith('"') && bad.Field.Count(c => c == '"') % 2 == 1,
        };
        using var parser = new CsvParser(new StringReader(content), configuration);
        var endedOnLine = 0;
        while (parser.Read())
        {
            var startsOnLine = endedOnLine + 1;
            endedOnLine = parser.RawRow;
            var record = parser.Record; // fields are parsed (and bad data found) when the record is read
            if (unclosedQuote)
            {
                throw new FormatException($"a quoted field that starts on line {startsOnLine} never ends");
            }

            yield return (startsOnLine, record is { Length: > 0 } ? [.. record] : [""]);
        }
    }

    private static List<TextRecord> ParseJsonl(string content)
    {
        var records = new List<TextRecord>();
        var lines = content.Split('\n');
        for (var n = 0; n < lines.Length; n++)
        {
            var text = lines[n].TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    records.Add(new(n + 1, null, null, "is not a JSON object"));
                    continue;
                }

                var root = doc.RootElement;
                var name = Property(root, "name") ?? Property(root, "id");
                if (!root.TryGetProperty("text", out var value) || value.ValueKind != JsonValueKind.String)
                {
                    records.Add(new(n + 1, name, null, "has no \"text\" string"));
                    continue;
                }

                records.Add(Check(n + 1, name, value.GetString()));
            }
            catch (JsonException e)
            {
                records.Add(new(n + 1, null, null, $"is not valid JSON ({e.Message.Split('.')[0]})"));
            }
        }

        return records;
    }

    private static string? Property(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number ? value.ToString() : null;

    private static TextRecord Check(int line, string? name, string? text)
    {
        name = string.IsNullOrWhiteSpace(name) ? null : name.Trim();
        if (name is { Length: > 200 })
        {
            return new(line, name[..50], null, "has a name longer than 200 characters");
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            return new(line, name, null, "has an empty text");
        }

        if (text.Length > JobRules.MaxTextLength)
        {
            return new(line, name, null, $"has a text of {text.Length:N0} characters; the limit is {JobRules.MaxTextLength:N0}");
        }

        if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            return new(line, name, null, "has control characters in its text");
        }

        return new(line, name, text, null);
    }
}
