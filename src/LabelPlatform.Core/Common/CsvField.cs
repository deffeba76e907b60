using System.Globalization;

namespace LabelPlatform.Common;

/// <summary>RFC 4180 fields, with spreadsheet formula injection defused.</summary>
public static class CsvField
{
    public static string Escape(string? value)
    {
        value ??= "";
        if (value.Length > 0 && IsFormulaStart(value))
        {
            value = "'" + value;
        }

        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0
            ? "\"" + value.Replace("\"", "\"\"") + "\""
            : value;
    }

    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Escape));

    private static bool IsFormulaStart(string value) =>
        value[0] switch
        {
            '=' or '+' or '@' or '\t' or '\r' => true,
            '-' => !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _),
            _ => false,
        };
}
