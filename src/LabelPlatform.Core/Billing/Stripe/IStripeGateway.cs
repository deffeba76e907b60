namespace LabelPlatform.Billing.Stripe;

/// <summary>How a Stripe write ended: made (with Stripe's id), worth retrying (429, 5xx, no answer), or refused for good.</summary>
public sealed record StripeOutcome(string? Id, bool Transient, string? Error)
{
    public bool Succeeded => Id is not null;

    public static StripeOutcome Made(string id) => new(id, false, null);
}

public sealed record ConnectedAccount(string Id, bool PayoutsEnabled, string Requirements);

public sealed record StripeTransfer(string Id, long Amount, string Currency, string Destination, long AmountReversed, string? PayoutId, DateTimeOffset Created);

public sealed record CheckoutStarted(string Id, string Url);

/// <summary>The platform's one door to Stripe (conventions: one facade; every write carries an idempotency key).</summary>
public interface IStripeGateway
{
    Task<ConnectedAccount> CreateExpressAccountAsync(string email, string idempotencyKey, CancellationToken ct);

    Task<ConnectedAccount> GetAccountAsync(string accountId, CancellationToken ct);

    Task<string> CreateOnboardingLinkAsync(string accountId, string refreshUrl, string returnUrl, CancellationToken ct);

    Task<StripeOutcome> CreateTransferAsync(long amount, string currency, string destination, Guid payoutId, string idempotencyKey, CancellationToken ct);

    Task<CheckoutStarted> CreateCheckoutAsync(Guid organisationId, long amount, string currency, string successUrl, string cancelUrl, string idempotencyKey, CancellationToken ct);

    /// <summary>Every transfer created at or after <paramref name="since"/>, newest first, all pages.</summary>
    IAsyncEnumerable<StripeTransfer> ListTransfersAsync(DateTimeOffset since, CancellationToken ct);
}
