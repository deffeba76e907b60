namespace LabelPlatform.Billing.Stripe;

/// <summary>What a Stripe call's answer means for the thing asked for, and so what the caller may do next.</summary>
public enum StripeOutcomeKind
{
    /// <summary>Done; the id is Stripe's.</summary>
    Made,

    /// <summary>No answer that can be trusted: 429, 5xx, 409, a timeout, a cut or unreadable body. It may have been made; ask again with the same key or look it up.</summary>
    Unknown,

    /// <summary>Refused because of the worker's connected account (missing, closed, not allowed transfers): theirs to fix.</summary>
    RefusedForAccount,

    /// <summary>The platform's available balance in this currency is too small (funds still pending): wait, never fail the worker.</summary>
    BalanceInsufficient,

    /// <summary>Nothing will work this run: the key is bad or revoked (401), lacks permission (403) or the platform's own account is invalid.</summary>
    StopRun,

    /// <summary>Refused for another reason on our side (a parameter, an idempotency key reused with other parameters): held for a person.</summary>
    Refused,
}

/// <summary>How a Stripe call ended, with Stripe's id when made and otherwise words a person can act on.</summary>
public sealed record StripeOutcome(string? Id, StripeOutcomeKind Kind, string? Error)
{
    public bool Succeeded => Kind == StripeOutcomeKind.Made;

    public bool Transient => Kind == StripeOutcomeKind.Unknown;

    public static StripeOutcome Made(string id) => new(id, StripeOutcomeKind.Made, null);
}

/// <summary>The platform's Stripe balance, per lowercase currency: what transfers may use now, and what is still on its way.</summary>
public sealed record PlatformBalance(IReadOnlyDictionary<string, long> Available, IReadOnlyDictionary<string, long> Pending)
{
    public long PendingIn(string currency) => Pending.GetValueOrDefault(currency.ToLowerInvariant());
}

/// <summary>A read's value, or why there is none.</summary>
public sealed record StripeRead<T>(T? Value, StripeOutcome Outcome)
    where T : class;

public sealed record ConnectedAccount(string Id, bool PayoutsEnabled, string Requirements);

public sealed record StripeTransfer(string Id, long Amount, string Currency, string Destination, long AmountReversed, string? PayoutId, DateTimeOffset Created);

public sealed record CheckoutStarted(string Id, string Url);

/// <summary>The platform's one door to Stripe (conventions: one facade; every write carries an idempotency key).</summary>
public interface IStripeGateway
{
    /// <summary>An Express account in <paramref name="country"/> (ISO 3166-1 alpha-2), with the email only when known.</summary>
    Task<ConnectedAccount> CreateExpressAccountAsync(string country, string? email, string idempotencyKey, CancellationToken ct);

    Task<ConnectedAccount> GetAccountAsync(string accountId, CancellationToken ct);

    Task<string> CreateOnboardingLinkAsync(string accountId, string refreshUrl, string returnUrl, CancellationToken ct);

    Task<StripeOutcome> CreateTransferAsync(long amount, string currency, string destination, Guid payoutId, string idempotencyKey, CancellationToken ct);

    Task<CheckoutStarted> CreateCheckoutAsync(Guid organisationId, long amount, string currency, string successUrl, string cancelUrl, string idempotencyKey, CancellationToken ct);

    /// <summary>The platform's balance (GET /v1/balance).</summary>
    Task<StripeRead<PlatformBalance>> GetBalanceAsync(CancellationToken ct);

    /// <summary>The transfer made for this payout, if any, found by its transfer group: how an attempt whose answer was lost is settled once its idempotency key may have expired.</summary>
    Task<StripeRead<StripeTransfer>> FindPayoutTransferAsync(Guid payoutId, CancellationToken ct);

    /// <summary>Refunds part of a paid checkout's payment to its card; the refund carries our id in metadata.</summary>
    Task<StripeOutcome> CreateRefundAsync(string paymentIntent, long amount, Guid refundId, string idempotencyKey, CancellationToken ct);

    /// <summary>The refund made for this id of ours on that payment, if any (an attempt whose answer was lost).</summary>
    Task<StripeRead<string>> FindRefundAsync(string paymentIntent, Guid refundId, CancellationToken ct);

    /// <summary>Every transfer created at or after <paramref name="since"/>, newest first, all pages.</summary>
    IAsyncEnumerable<StripeTransfer> ListTransfersAsync(DateTimeOffset since, CancellationToken ct);
}
