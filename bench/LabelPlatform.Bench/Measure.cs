using System.Globalization;

namespace LabelPlatform.Bench;

/// <summary>The one machine-readable line each command ends with: "MEASURE name key=value ...".</summary>
public static class Measure
{
    public static void Print(string name, params (string Key, object Value)[] fields)
    {
        var parts = fields.Select(f => f.Key + "=" + Format(f.Value));
        Console.WriteLine($"MEASURE {name} {string.Join(' ', parts)}");
    }

    public static string Format(object value) => value switch
    {
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Count) - 1, 0, sorted.Count - 1)];
}
