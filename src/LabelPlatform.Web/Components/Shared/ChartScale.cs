using System.Globalization;
using MudBlazor;
using MudBlazor.Charts;

namespace LabelPlatform.Web.Components.Shared;

/// <summary>
/// Axes that fit the data. MudBlazor draws a horizontal line every <c>YAxisTicks</c> units, 20 unless
/// told, and the axis only in whole numbers: a day's earnings of 0.35 or a probability of 0.8 drew as a
/// sliver at the bottom of a 0–20 axis. So amounts are charted in minor units and labelled as money,
/// probabilities as percentages, counts as they are, each with a step of 1, 2 or 5 times a power of ten
/// that puts four to six lines over the data.
/// </summary>
public static class ChartScale
{
    /// <summary>About this many steps between zero and the largest value.</summary>
    private const int Lines = 5;

    /// <summary>The step between horizontal lines for values up to <paramref name="max"/>: 1, 2 or 5 × 10ⁿ, at least 1.</summary>
    public static int Step(double max)
    {
        if (!(max > Lines))
        {
            return 1;
        }

        var raw = max / Lines;
        var power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var nice = raw / power <= 1 ? 1 : raw / power <= 2 ? 2 : raw / power <= 5 ? 5 : 10;
        return (int)Math.Min(int.MaxValue, nice * power);
    }

    /// <summary>Bars of whole counts (items, answers).</summary>
    public static BarChartOptions Counts(IEnumerable<ChartSeries<double>> series) => Fit(new BarChartOptions(), series, v => v.ToString("0", CultureInfo.InvariantCulture));

    /// <summary>Bars of amounts in minor units, labelled in <paramref name="currency"/> (or as plain major units when the series mix currencies).</summary>
    public static BarChartOptions Money(IEnumerable<ChartSeries<double>> series, string? currency) =>
        Fit(new BarChartOptions(), series, currency is null
            ? v => (v / 100).ToString("0.##", CultureInfo.InvariantCulture)
            : v => LabelPlatform.Jobs.MoneyFormat.Number((long)Math.Round(v), currency));

    /// <summary>Lines of probabilities charted as percentages (0–100): a step of 20 and "%" labels.</summary>
    public static LineChartOptions Percentages() => new()
    {
        YAxisTicks = 20,
        MaxNumYAxisTicks = 6,
        YAxisSuggestedMax = 100,
        YAxisToStringFunc = v => v.ToString("0", CultureInfo.InvariantCulture) + "%",
    };

    private static T Fit<T>(T options, IEnumerable<ChartSeries<double>> series, Func<double, string> label)
        where T : DefaultAxisChartOptions
    {
        var max = series.SelectMany(s => s.Data.Values).DefaultIfEmpty(0).Max();
        var step = Step(max);
        options.YAxisTicks = step;
        options.MaxNumYAxisTicks = Lines + 2;
        options.YAxisSuggestedMax = Math.Max(step, Math.Ceiling(max / step) * step);
        options.YAxisToStringFunc = label;
        return options;
    }
}
