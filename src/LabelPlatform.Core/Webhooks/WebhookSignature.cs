using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LabelPlatform.Webhooks;

/// <summary>
/// The signature header, as Stripe's: <c>LabelPlatform-Signature: t=1733600000,v1=hex…[,v1=hex…]</c>, each v1 an
/// HMAC-SHA256 of "{t}.{body}" keyed with one active secret (two while a rotated-out secret still signs).
/// A receiver recomputes it with its secret, compares in constant time, and refuses a t far from its clock.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "LabelPlatform-Signature";

    /// <summary>How far from the receiver's clock a timestamp may be (the docs' recommendation).</summary>
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string Sign(string body, DateTimeOffset at, IEnumerable<string> secrets)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t}" + string.Concat(secrets.Select(s => ",v1=" + Compute(t, body, s)));
    }

    public static string Compute(string timestamp, string body, string secret) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>What a receiver does: true when one v1 matches the secret and t is within the tolerance of now.</summary>
    public static bool Verify(string? header, string body, string secret, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(header))
        {
            return false;
        }

        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToList();
        var t = parts.FirstOrDefault(p => p[0] == "t")?[1];
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > Tolerance)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(t!, body, secret));
        return parts.Where(p => p[0] == "v1").Any(p => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(p[1]), expected));
    }
}
