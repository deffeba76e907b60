using System.Threading.RateLimiting;

namespace LabelPlatform.Web.Security;

/// <summary>
/// Uploads travel over a page's live connection, not through HTTP endpoints the rate limiter sees:
/// the pages ask here, per account, before they read a byte. Item files (zips, texts, gold files,
/// example pictures) share one allowance, review models have their own, smaller one, both per
/// hour (<c>RateLimits:UploadsPerHour</c>, <c>RateLimits:ModelUploadsPerHour</c>).
/// </summary>
public sealed class UploadAllowance(RateLimitOptions limits) : IDisposable
{
    public enum Kind
    {
        Files,
        Model,
    }

    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, key.StartsWith(nameof(Kind.Model), StringComparison.Ordinal) ? limits.ModelUploadsPerHour : limits.UploadsPerHour),
            Window = TimeSpan.FromHours(1),
            QueueLimit = 0,
        }));

    /// <summary>Null when the account may upload now (the upload counts); else what to tell them.</summary>
    public string? Refusal(Kind kind, string userId)
    {
        using var lease = _limiter.AttemptAcquire($"{kind}:{userId}");
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromHours(1);
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        var what = kind == Kind.Model ? "model uploads" : "uploads";
        return $"Too many {what} from your account this hour. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
    }

    public void Dispose() => _limiter.Dispose();
}
