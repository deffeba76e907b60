using System.Globalization;

namespace LabelPlatform.StripeEmulator;

/// <summary>
/// Request parameters as Stripe receives them: flat bracket-notation keys
/// (<c>metadata[k]</c>, <c>line_items[0][price_data][unit_amount]</c>), from the form body or the query.
/// </summary>
public sealed class FormParams(IReadOnlyDictionary<string, string> values)
{
    internal static readonly HashSet<string> Currencies = new(StringComparer.Ordinal)
    {
        "usd", "eur", "gbp", "cad", "aud", "nzd", "chf", "sek", "nok", "dkk", "pln", "czk", "huf", "ron",
        "bgn", "jpy", "sgd", "hkd", "mxn", "brl", "inr", "zar", "ils", "aed", "thb", "myr", "php", "idr",
    };

    public IReadOnlyDictionary<string, string> Values { get; } = values;

    /// <summary>Canonical text of the parameters, so an idempotent repeat can be compared with the first use.</summary>
    public string Fingerprint() =>
        string.Join("&", Values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public string? Get(string key) => Values.TryGetValue(key, out var v) ? v : null;

    public string Require(string key) =>
        Get(key) is { Length: > 0 } v ? v : throw ApiError.Missing(key);

    /// <summary>Stripe rejects any top-level parameter an endpoint does not know.</summary>
    public void OnlyAllow(params string[] allowed)
    {
        foreach (var key in Values.Keys)
        {
            var root = key.Split('[')[0];
            if (root != "expand" && !allowed.Contains(root))
            {
                throw ApiError.Invalid("parameter_unknown", $"Received unknown parameter: {key}", key);
            }
        }
    }

    public long? Integer(string key, long min)
    {
        if (Get(key) is not { } raw)
        {
            return null;
        }
        if (!long.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw ApiError.Invalid("parameter_invalid_integer", $"Invalid integer: {raw}", key);
        }
        if (value < min)
        {
            throw ApiError.Invalid("parameter_invalid_integer", $"This value must be greater than or equal to {min}.", key);
        }
        return value;
    }

    public long RequireAmount(string key) => Integer(key, 1) ?? throw ApiError.Missing(key);

    public string RequireCurrency(string key)
    {
        var raw = Require(key);
        var lower = raw.ToLowerInvariant();
        if (!Currencies.Contains(lower))
        {
            throw ApiError.Invalid("parameter_invalid_string",
                $"Invalid currency: {raw}. Stripe currently supports these currencies: {string.Join(", ", Currencies)}", key);
        }
        return lower;
    }

    public bool Bool(string key) => Get(key) is "true";

    /// <summary>The <c>prefix[name]</c> entries, e.g. metadata.</summary>
    public Dictionary<string, string> Hash(string prefix)
    {
        var start = prefix + "[";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Values)
        {
            if (key.StartsWith(start, StringComparison.Ordinal) && key.EndsWith(']') && key.IndexOf('[', start.Length) < 0)
            {
                result[key[start.Length..^1]] = value;
            }
        }
        return result;
    }

    /// <summary>The indices used in <c>prefix[i][...]</c>, ascending.</summary>
    public IReadOnlyList<int> Indices(string prefix)
    {
        var start = prefix + "[";
        return Values.Keys
            .Where(k => k.StartsWith(start, StringComparison.Ordinal))
            .Select(k => k[start.Length..].Split(']')[0])
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : -1)
            .Where(i => i >= 0)
            .Distinct()
            .Order()
            .ToList();
    }
}
