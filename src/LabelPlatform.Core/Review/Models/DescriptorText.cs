using System.Globalization;

namespace LabelPlatform.Review.Models;

/// <summary>The descriptor form's text fields: numbers like "1/255", lists like "0.485, 0.456, 0.406", label maps like "0 = cat".</summary>
public static class DescriptorText
{
    /// <summary>A number, or a fraction "a/b".</summary>
    public static bool TryNumber(string? text, out float value)
    {
        value = 0;
        var parts = (text ?? "").Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length == 2
            && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var a)
            && float.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var b) && b != 0)
        {
            value = a / b;
            return true;
        }

        return parts.Length == 1 && float.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value);
    }

    /// <summary>One number per channel, comma separated; one number is used for every channel.</summary>
    public static float[]? Numbers(string? text, int channels)
    {
        var values = new List<float>();
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!TryNumber(part, out var v))
            {
                return null;
            }

            values.Add(v);
        }

        return values.Count == channels ? [.. values] : values.Count == 1 ? Enumerable.Repeat(values[0], channels).ToArray() : null;
    }

    /// <summary>"index = label" lines; returns the map or the first line that is wrong.</summary>
    public static (Dictionary<int, string>? Map, string? Error) LabelMap(string? text)
    {
        var map = new Dictionary<int, string>();
        var lines = (text ?? "").Split('\n', StringSplitOptions.TrimEntries);
        for (var n = 0; n < lines.Length; n++)
        {
            if (lines[n].Length == 0)
            {
                continue;
            }

            var parts = lines[n].Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) || parts[1].Length == 0)
            {
                return (null, $"Label map line {n + 1} (\"{lines[n]}\") is not \"class index = label\".");
            }

            if (!map.TryAdd(index, parts[1]))
            {
                return (null, $"Label map line {n + 1}: class {index} is mapped twice.");
            }
        }

        return (map, null);
    }

    public static string LabelMapText(IReadOnlyDictionary<int, string> map) =>
        string.Join('\n', map.OrderBy(m => m.Key).Select(m => $"{m.Key} = {m.Value}"));
}
