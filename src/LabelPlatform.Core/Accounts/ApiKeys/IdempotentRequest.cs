namespace LabelPlatform.Accounts.ApiKeys;

/// <summary>
/// A create request sent with an <c>Idempotency-Key</c>: the first one is done and its answer kept for
/// a day; the same key again gets that answer, not a second job (as Stripe's API does).
/// </summary>
public sealed class IdempotentRequest
{
    public const int MaxKeyLength = 255;

    public static readonly TimeSpan KeptFor = TimeSpan.FromHours(24);

    public Guid OrganisationId { get; set; }

    public string Key { get; set; } = "";

    /// <summary>SHA-256 of the method, path and body: the same key with another request is refused, not answered with the first one's result.</summary>
    public string RequestHash { get; set; } = "";

    /// <summary>Null while the first request is still being done.</summary>
    public int? StatusCode { get; set; }

    public string? ResponseBody { get; set; }

    public string? Location { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
