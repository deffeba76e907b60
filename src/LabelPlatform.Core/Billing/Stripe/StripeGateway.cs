using System.Runtime.CompilerServices;
using global::Stripe;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Billing.Stripe;

/// <summary>Stripe.net behind <see cref="IStripeGateway"/>; its own retries are off, settlement paces and retries itself.</summary>
public sealed class StripeGateway : IStripeGateway
{
    private readonly Lazy<StripeClient> _lazyClient;

    // Made on first use: pages that merely might call Stripe (a worker's earnings) still open where
    // Stripe is not configured; the use cases refuse with their own message before any call.
    public StripeGateway(IOptions<StripeOptions> options, IHttpClientFactory httpClients) =>
        _lazyClient = new Lazy<StripeClient>(() =>
        {
            var o = options.Value;
            if (!o.IsConfigured)
            {
                throw new InvalidOperationException("Stripe is not configured: set Stripe:SecretKey.");
            }

            var http = new SystemNetHttpClient(httpClients.CreateClient(nameof(StripeGateway)), maxNetworkRetries: 0, appInfo: null, enableTelemetry: false);
            return new StripeClient(o.SecretKey, httpClient: http, apiBase: string.IsNullOrEmpty(o.ApiBase) ? null : o.ApiBase.TrimEnd('/'));
        });

    private StripeClient Client => _lazyClient.Value;

    public async Task<ConnectedAccount> CreateExpressAccountAsync(string country, string? email, string idempotencyKey, CancellationToken ct)
    {
        var account = await new AccountService(Client).CreateAsync(new AccountCreateOptions
        {
            Type = "express",
            Country = country,
            Email = string.IsNullOrWhiteSpace(email) ? null : email,
            Capabilities = new AccountCapabilitiesOptions { Transfers = new AccountCapabilitiesTransfersOptions { Requested = true } },
        }, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
        return ToAccount(account);
    }

    public async Task<ConnectedAccount> GetAccountAsync(string accountId, CancellationToken ct) =>
        ToAccount(await new AccountService(Client).GetAsync(accountId, cancellationToken: ct));

    public async Task<string> CreateOnboardingLinkAsync(string accountId, string refreshUrl, string returnUrl, CancellationToken ct)
    {
        var link = await new AccountLinkService(Client).CreateAsync(new AccountLinkCreateOptions
        {
            Account = accountId,
            RefreshUrl = refreshUrl,
            ReturnUrl = returnUrl,
            Type = "account_onboarding",
        }, cancellationToken: ct);
        return link.Url;
    }

    public async Task<StripeOutcome> CreateTransferAsync(long amount, string currency, string destination, Guid payoutId, string idempotencyKey, CancellationToken ct)
    {
        try
        {
            var transfer = await new TransferService(Client).CreateAsync(new TransferCreateOptions
            {
                Amount = amount,
                Currency = currency.ToLowerInvariant(),
                Destination = destination,
                TransferGroup = TransferGroupOf(payoutId),
                Metadata = new Dictionary<string, string> { ["payout_id"] = payoutId.ToString() },
            }, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
            return StripeOutcome.Made(transfer.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Classify(e);
        }
    }

    public async Task<CheckoutStarted> CreateCheckoutAsync(Guid organisationId, long amount, string currency, string successUrl, string cancelUrl, string idempotencyKey, CancellationToken ct)
    {
        var session = await new global::Stripe.Checkout.SessionService(Client).CreateAsync(new global::Stripe.Checkout.SessionCreateOptions
        {
            Mode = "payment",
            SuccessUrl = successUrl,
            CancelUrl = cancelUrl,
            ClientReferenceId = organisationId.ToString(),
            Metadata = new Dictionary<string, string> { ["organisation_id"] = organisationId.ToString() },
            LineItems =
            [
                new global::Stripe.Checkout.SessionLineItemOptions
                {
                    Quantity = 1,
                    PriceData = new global::Stripe.Checkout.SessionLineItemPriceDataOptions
                    {
                        Currency = currency.ToLowerInvariant(),
                        UnitAmount = amount,
                        ProductData = new global::Stripe.Checkout.SessionLineItemPriceDataProductDataOptions { Name = "LabelPlatform funds" },
                    },
                },
            ],
        }, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
        return new CheckoutStarted(session.Id, session.Url);
    }

    public async IAsyncEnumerable<StripeTransfer> ListTransfersAsync(DateTimeOffset since, [EnumeratorCancellation] CancellationToken ct)
    {
        var options = new TransferListOptions { Limit = 100, Created = new DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime } };
        await foreach (var t in new TransferService(Client).ListAutoPagingAsync(options, cancellationToken: ct))
        {
            yield return ToTransfer(t);
        }
    }

    public async Task<StripeOutcome> CreateRefundAsync(string paymentIntent, long amount, Guid refundId, string idempotencyKey, CancellationToken ct)
    {
        try
        {
            var refund = await new RefundService(Client).CreateAsync(new RefundCreateOptions
            {
                PaymentIntent = paymentIntent,
                Amount = amount,
                Metadata = new Dictionary<string, string> { ["refund_id"] = refundId.ToString() },
            }, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
            return refund.Status is "failed" or "canceled"
                ? new StripeOutcome(null, StripeOutcomeKind.Refused, $"Stripe could not refund the card: {refund.FailureReason ?? refund.Status}")
                : StripeOutcome.Made(refund.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Classify(e);
        }
    }

    public async Task<StripeRead<string>> FindRefundAsync(string paymentIntent, Guid refundId, CancellationToken ct)
    {
        try
        {
            var page = await new RefundService(Client).ListAsync(new RefundListOptions { PaymentIntent = paymentIntent, Limit = 100 }, cancellationToken: ct);
            var found = page.Data.FirstOrDefault(r => r.Metadata is not null && r.Metadata.TryGetValue("refund_id", out var id) && id == refundId.ToString() && r.Status is not ("failed" or "canceled"));
            return new(found?.Id, StripeOutcome.Made(found?.Id ?? "none"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new(null, Classify(e));
        }
    }

    public async Task<StripeRead<PlatformBalance>> GetBalanceAsync(CancellationToken ct)
    {
        try
        {
            var balance = await new BalanceService(Client).GetAsync(cancellationToken: ct);
            static IReadOnlyDictionary<string, long> PerCurrency(IEnumerable<BalanceAmount>? amounts) =>
                (amounts ?? []).GroupBy(a => a.Currency.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.Sum(a => a.Amount));
            return new(new PlatformBalance(PerCurrency(balance.Available), PerCurrency(balance.Pending)), StripeOutcome.Made("balance"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new(null, Classify(e));
        }
    }

    public async Task<StripeRead<StripeTransfer>> FindPayoutTransferAsync(Guid payoutId, CancellationToken ct)
    {
        try
        {
            var page = await new TransferService(Client).ListAsync(new TransferListOptions { TransferGroup = TransferGroupOf(payoutId), Limit = 10 }, cancellationToken: ct);
            var found = page.Data.FirstOrDefault(t => t.Metadata is not null && t.Metadata.TryGetValue("payout_id", out var id) && id == payoutId.ToString());
            return new(found is null ? null : ToTransfer(found), StripeOutcome.Made(found?.Id ?? "none"));
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return new(null, Classify(e));
        }
    }

    /// <summary>One transfer group per payout, so its transfer can be found without the idempotency key.</summary>
    public static string TransferGroupOf(Guid payoutId) => $"payout_{payoutId:N}";

    // The worker's account is the cause: theirs to fix, and the payout fails (its money back to payable).
    private static readonly HashSet<string> AccountCodes = new(StringComparer.Ordinal)
    {
        "insufficient_capabilities_for_transfer", "transfers_not_allowed", "account_closed", "payouts_not_allowed", "account_invalid",
    };

    /// <summary>What a failed call means (see <see cref="StripeOutcomeKind"/>); anything but a readable Stripe error is "unknown", never "refused".</summary>
    public static StripeOutcome Classify(Exception exception)
    {
        if (exception is not StripeException e || e.StripeError is null || e.HttpStatusCode == 0)
        {
            var what = exception is TaskCanceledException ? "did not answer in time" : "gave no answer that could be read";
            return new(null, StripeOutcomeKind.Unknown, $"Stripe {what} ({exception.GetType().Name}: {exception.Message})");
        }

        var status = (int)e.HttpStatusCode;
        var error = e.StripeError;
        var words = $"Stripe answered {status}{(error.Code is null ? "" : $" {error.Code}")}: {error.Message ?? e.Message}";
        if (status is 429 or 409 or >= 500)
        {
            return new(null, StripeOutcomeKind.Unknown, words);
        }
        if (status is 401 or 403 || error.Type == "permission_error" || error.Code is "api_key_expired" or "platform_api_key_expired"
            || (error.Code == "account_invalid" && error.Param is null or ""))
        {
            return new(null, StripeOutcomeKind.StopRun, words);
        }
        if (error.Code == "balance_insufficient")
        {
            return new(null, StripeOutcomeKind.BalanceInsufficient, words);
        }
        if (error.Param == "destination" || (error.Code is { } code && AccountCodes.Contains(code)))
        {
            return new(null, StripeOutcomeKind.RefusedForAccount, words);
        }
        return new(null, StripeOutcomeKind.Refused, words);
    }

    private static StripeTransfer ToTransfer(Transfer t)
    {
        var payoutId = t.Metadata is not null && t.Metadata.TryGetValue("payout_id", out var id) ? id : null;
        return new StripeTransfer(t.Id, t.Amount, t.Currency.ToUpperInvariant(), t.DestinationId, t.AmountReversed, payoutId, new DateTimeOffset(t.Created, TimeSpan.Zero));
    }

    private static ConnectedAccount ToAccount(Account account)
    {
        var transfers = account.Capabilities?.Transfers;
        var due = account.Requirements?.CurrentlyDue ?? [];
        return new ConnectedAccount(account.Id, account.PayoutsEnabled && transfers == "active", string.Join(", ", due));
    }
}
