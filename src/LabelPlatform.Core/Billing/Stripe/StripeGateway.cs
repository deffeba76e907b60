using System.Net;
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

    public async Task<ConnectedAccount> CreateExpressAccountAsync(string email, string idempotencyKey, CancellationToken ct)
    {
        var account = await new AccountService(Client).CreateAsync(new AccountCreateOptions
        {
            Type = "express",
            Email = email,
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
                TransferGroup = $"payout_{payoutId:N}",
                Metadata = new Dictionary<string, string> { ["payout_id"] = payoutId.ToString() },
            }, new RequestOptions { IdempotencyKey = idempotencyKey }, ct);
            return StripeOutcome.Made(transfer.Id);
        }
        catch (StripeException e) when (IsTransient(e.HttpStatusCode))
        {
            return new StripeOutcome(null, true, $"Stripe answered {(int)e.HttpStatusCode}: {e.StripeError?.Message ?? e.Message}");
        }
        catch (StripeException e) when (e.StripeError?.Type == "idempotency_error")
        {
            // Our own bug, not the worker's: never turn it into a refusal that returns the money.
            throw new InvalidOperationException($"Payout {payoutId}: Stripe refused the idempotency key: {e.StripeError.Message}", e);
        }
        catch (StripeException e)
        {
            return new StripeOutcome(null, false, e.StripeError?.Message ?? e.Message);
        }
        catch (HttpRequestException e)
        {
            return new StripeOutcome(null, true, $"Stripe could not be reached: {e.Message}");
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            return new StripeOutcome(null, true, $"Stripe did not answer in time: {e.Message}");
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
            var payoutId = t.Metadata is not null && t.Metadata.TryGetValue("payout_id", out var id) ? id : null;
            yield return new StripeTransfer(t.Id, t.Amount, t.Currency.ToUpperInvariant(), t.DestinationId, t.AmountReversed, payoutId, new DateTimeOffset(t.Created, TimeSpan.Zero));
        }
    }

    private static bool IsTransient(HttpStatusCode status) => status == HttpStatusCode.TooManyRequests || (int)status >= 500 || status == HttpStatusCode.Conflict;

    private static ConnectedAccount ToAccount(Account account)
    {
        var transfers = account.Capabilities?.Transfers;
        var due = account.Requirements?.CurrentlyDue ?? [];
        return new ConnectedAccount(account.Id, account.PayoutsEnabled && transfers == "active", string.Join(", ", due));
    }
}
