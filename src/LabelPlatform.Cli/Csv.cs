using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;

namespace LabelPlatform.Cli;

/// <summary>A refusal the user can act on: the tool prints it and exits with 2.</summary>
public sealed class CliException(string message) : Exception(message);

/// <summary>
/// Reads and writes the small CSV files the tool exchanges with crowd-kit: a header row naming the columns,
/// fields separated by commas, quoted with double quotes when they hold a comma, quote or line break.
/// </summary>
public static class Csv
{
    /// <summary>The longest field accepted: names and labels, not documents.</summary>
    public const int MaxField = 1000;

    /// <summary>Reads <paramref name="path"/>, requiring <paramref name="columns"/> in its header (in any order, other columns ignored); yields each row's values in that order.</summary>
    public static IEnumerable<(int Line, string[] Values)> Read(string path, params string[] columns)
    {
        if (!File.Exists(path))
        {
            throw new CliException($"{path}: no such file.");
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var unclosedQuote = false;
        using var parser = new CsvParser(reader, new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            Mode = CsvMode.RFC4180,
            DetectColumnCountChanges = false,
            BadDataFound = bad => unclosedQuote |= bad.Field.StartsWith('"') && bad.Field.Count(c => c == '"') % 2 == 1,
        });
        var line = 0;
        string[]? Next()
        {
            if (!parser.Read())
            {
                return null;
            }

            line = parser.RawRow;
            var record = parser.Record; // fields are parsed (and bad data found) when the record is read
            return unclosedQuote ? throw new CliException($"{path}:{line}: a quoted field is never closed.") : record;
        }

        var header = Next() ?? throw new CliException($"{path}: the file is empty; its first line must name the columns {string.Join(",", columns)}.");
        var at = columns.Select(c => Array.FindIndex(header, h => string.Equals(h.Trim(), c, StringComparison.OrdinalIgnoreCase))).ToArray();
        var missing = columns.Where((c, i) => at[i] < 0).ToList();
        if (missing.Count > 0)
        {
            throw new CliException($"{path}: the header has no column {string.Join(", ", missing)} (it has {string.Join(",", header)}; needed: {string.Join(",", columns)}).");
        }

        while (Next() is { } record)
        {
            if (record.Length < header.Length)
            {
                throw new CliException($"{path}:{line}: {record.Length} fields where the header has {header.Length}.");
            }

            var values = at.Select(i => record[i].Trim()).ToArray();
            if (values.Any(v => v.Length == 0 || v.Length > MaxField))
            {
                throw new CliException($"{path}:{line}: every one of {string.Join(",", columns)} needs a value of 1 to {MaxField} characters.");
            }

            yield return (line, values);
        }
    }

    public static void Write(TextWriter writer, IEnumerable<string?[]> rows)
    {
        foreach (var row in rows)
        {
            writer.Write(string.Join(',', row.Select(Quote)));
            writer.Write('\n');
        }
    }

    private static string Quote(string? value) =>
        value is null ? "" : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
}
