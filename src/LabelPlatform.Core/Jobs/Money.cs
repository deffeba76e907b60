using System.Globalization;

namespace LabelPlatform.Jobs;

/// <summary>Formats and parses amounts in minor units; the platform never stores money as floating point.</summary>
public static class MoneyFormat
{
    public static string Format(long minor, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{(minor < 0 ? "-" : "")}{Math.Abs(minor / 100)}.{Math.Abs(minor % 100):00} {currency}");

    /// <summary>Parses "0.05" or "5" into minor units; more than two decimals is an error, not a rounding.</summary>
    public static bool TryParse(string? text, out long minor)
    {
        minor = 0;
        if (!decimal.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var scaled = value * 100;
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue)
        {
            return false;
        }

        minor = (long)scaled;
        return true;
    }
}
