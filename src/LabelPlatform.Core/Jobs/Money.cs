using System.Globalization;

namespace LabelPlatform.Jobs;

/// <summary>
/// Formats and parses amounts in minor units; the platform never stores money as floating point. A
/// currency's minor unit is Stripe's: a cent for USD, EUR and GBP, the yen itself for JPY (Stripe's
/// zero-decimal currencies), a thousandth for the three-decimal ones.
/// </summary>
public static class MoneyFormat
{
    private static readonly HashSet<string> ZeroDecimal = new(StringComparer.OrdinalIgnoreCase)
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    };

    private static readonly HashSet<string> ThreeDecimal = new(StringComparer.OrdinalIgnoreCase) { "BHD", "JOD", "KWD", "OMR", "TND" };

    /// <summary>Digits after the decimal point in this currency's amounts.</summary>
    public static int Decimals(string currency) => ZeroDecimal.Contains(currency) ? 0 : ThreeDecimal.Contains(currency) ? 3 : 2;

    /// <summary>Minor units in one major unit: 100 for USD, 1 for JPY.</summary>
    public static long Scale(string currency) => Decimals(currency) switch { 0 => 1, 3 => 1000, _ => 100 };

    public static string Format(long minor, string currency) => $"{Number(minor, currency)} {currency}";

    /// <summary>The amount as the currency writes it, without the code: "12.50", "1250" for JPY.</summary>
    public static string Number(long minor, string currency)
    {
        var scale = Scale(currency);
        var sign = minor < 0 ? "-" : "";
        var whole = Math.Abs(minor / scale);
        var decimals = Decimals(currency);
        return decimals == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}")
            : string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}.{Math.Abs(minor % scale).ToString(new string('0', decimals), CultureInfo.InvariantCulture)}");
    }

    /// <summary>For charts only (never for sums): the amount in major units.</summary>
    public static double ToMajor(long minor, string currency) => (double)minor / Scale(currency);

    /// <summary>Parses an amount in <paramref name="currency"/> into minor units; more decimals than the currency has is an error, not a rounding.</summary>
    public static bool TryParse(string? text, string currency, out long minor)
    {
        minor = 0;
        if (!decimal.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        var scaled = value * Scale(currency);
        if (scaled != decimal.Truncate(scaled) || scaled > long.MaxValue)
        {
            return false;
        }

        minor = (long)scaled;
        return true;
    }
}
