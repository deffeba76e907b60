using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.StripeEmulator;

/// <summary>
/// A Stripe-compatible HTTP server on 127.0.0.1, run in-process. Point Stripe.net's ApiBase at <see cref="BaseUrl"/>.
/// The methods here are the same knobs as the /_emulator control API.
/// </summary>
public sealed class StripeEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ApiHandlers _handlers;
    private long _requests, _writes, _http429, _replays;

    private StripeEmulator(EmulatorOptions options, WebApplication app)
    {
        Options = options;
        _app = app;
        State = new EmulatorState(options);
        Webhooks = new WebhookSender(options, State.Clock);
        Latency = options.Latency;
        Limits.Global.Rate = options.RequestsPerSecond;
        Limits.EndpointRate = options.EndpointRequestsPerSecond;
        _handlers = new ApiHandlers(State, Webhooks, () => BaseUrl, options.Livemode);
    }

    public EmulatorOptions Options { get; }
    public Uri BaseUrl { get; private set; } = null!;
    public EmulatorState State { get; }
    public WebhookSender Webhooks { get; }
    internal RateLimits Limits { get; } = new();
    internal CountedRules<ApiError> Failures { get; } = new();
    internal CountedRules<string> Cuts { get; } = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _endpointRequests = new(StringComparer.Ordinal);
    internal HoldGate Holds { get; } = new();
    internal IdempotencyStore Idempotency { get; } = new();

    public TimeSpan Latency { get; set; }

    /// <summary>The global limit on every /v1 request, reads included; null = unlimited.</summary>
    public int? RequestsPerSecond
    {
        get => Limits.Global.Rate;
        set => Limits.Global.Rate = value;
    }

    /// <summary>The limit on each endpoint (e.g. <c>POST /v1/transfers</c>); null = unlimited.</summary>
    public int? EndpointRequestsPerSecond
    {
        get => Limits.EndpointRate;
        set => Limits.EndpointRate = value;
    }

    /// <summary>The emulated now (moved forward by <see cref="AdvanceTime"/>).</summary>
    public EmulatedClock Clock => State.Clock;

    /// <summary>Requests let through per endpoint (<c>POST /v1/transfers</c>, <c>GET /v1/balance</c>, …).</summary>
    public IReadOnlyDictionary<string, long> EndpointRequests => new Dictionary<string, long>(_endpointRequests);
    public IReadOnlyList<EmulatedAccount> Accounts => State.Accounts;
    public IReadOnlyList<EmulatedTransfer> Transfers => State.Transfers;
    public IReadOnlyList<EmulatedCheckoutSession> CheckoutSessions => State.CheckoutSessions;
    public IReadOnlyList<EmulatedRefund> Refunds => State.Refunds;
    public IReadOnlyList<EmulatedDispute> Disputes => State.Disputes;
    public IReadOnlyList<EmulatedEvent> Events => Webhooks.Events;
    public int HeldCount => Holds.HeldCount;

    /// <summary>Cancelled when the host is asked to stop (Ctrl+C or SIGTERM when run standalone).</summary>
    public CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public EmulatorStats Stats => new(Interlocked.Read(ref _requests), Interlocked.Read(ref _writes),
        Interlocked.Read(ref _http429), State.Transfers.Count, Interlocked.Read(ref _replays));

    public static async Task<StripeEmulator> StartAsync(EmulatorOptions? options = null)
    {
        options ??= new EmulatorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(StripeEmulator).Assembly.GetName().Name,
            Args = [],
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        var emulator = new StripeEmulator(options, app);
        var pipeline = new RequestPipeline(emulator, emulator._handlers);
        app.Map("/v1/{**rest}", pipeline.HandleAsync);
        ControlEndpoints.Map(app, emulator);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        emulator.BaseUrl = new Uri(address.TrimEnd('/') + "/");
        return emulator;
    }

    /// <summary>The endpoint a request counts against: <c>POST /v1/transfers/tr_123/reversals</c> → <c>POST /v1/transfers/{id}/reversals</c>.</summary>
    public static string EndpointOf(string method, string path) => RateLimits.Endpoint(method, path);

    internal void CountEndpoint(string endpoint) => _endpointRequests.AddOrUpdate(endpoint, 1, (_, n) => n + 1);

    internal void Count(int requests = 0, int writes = 0, int http429 = 0, int replays = 0)
    {
        Interlocked.Add(ref _requests, requests);
        Interlocked.Add(ref _writes, writes);
        Interlocked.Add(ref _http429, http429);
        Interlocked.Add(ref _replays, replays);
    }

    /// <summary>The next <paramref name="count"/> POSTs under <paramref name="pathPrefix"/> fail with this error and create nothing.</summary>
    public void FailNext(string pathPrefix, int count, int status, string type, string? code, string message) =>
        Failures.Add(pathPrefix, count, new ApiError(status, type, code, message));

    /// <summary>
    /// The next <paramref name="count"/> successful answers to POSTs under <paramref name="pathPrefix"/>
    /// (first executions and idempotent replays alike; the object is made, the result kept) are cut: 200
    /// with half the body, then the connection dropped. The client cannot know the outcome.
    /// </summary>
    public void CutNext(string pathPrefix, int count = 1) => Cuts.Add(pathPrefix, count, pathPrefix);

    /// <summary>The API key is revoked (rolled in the Dashboard): every request with it gets 401 <c>api_key_expired</c> until <see cref="RestoreKey"/>.</summary>
    public void RevokeKey() => KeyRevoked = true;

    public void RestoreKey() => KeyRevoked = false;

    internal bool KeyRevoked { get; private set; }

    /// <summary>Sets the platform's available balance in a currency (pending funds are added with <see cref="AddPendingFunds"/>).</summary>
    public void SetAvailableBalance(string currency, long amount) => State.SetAvailable(currency, amount);

    /// <summary>Moves emulated time on: idempotency keys older than 24 hours are forgotten, pending funds whose day came are available.</summary>
    public void AdvanceTime(TimeSpan by) => State.Clock.Advance(by);

    /// <summary>Funds on their way to the platform's balance (a card payment), available after <paramref name="availableAfter"/> of emulated time.</summary>
    public void AddPendingFunds(string currency, long amount, TimeSpan availableAfter) =>
        State.AddPendingFunds(currency, amount, State.Clock.UnixNow + (long)availableAfter.TotalSeconds);

    /// <summary>Where events about connected accounts go, and the secret they are signed with.</summary>
    public void SetConnectWebhook(Uri? url, string secret) => Webhooks.ConfigureConnect(url, secret);

    /// <summary>Forgets injected failures and cuts not yet used up.</summary>
    public void ClearFaults()
    {
        Failures.Clear();
        Cuts.Clear();
    }

    /// <summary>Matching POSTs commit their effect, then do not answer until <see cref="ReleaseHeld"/> or the client goes away.</summary>
    public void HoldAfterCommit(string pathPrefix) => Holds.Add(pathPrefix);

    public Task WaitForHeldAsync() => Holds.WaitForHeldAsync();

    public void ReleaseHeld() => Holds.Release();

    public void SetWebhook(Uri? url, string secret) => Webhooks.Configure(url, secret);

    public void CompleteOnboarding(string accountId)
    {
        if (State.CompleteOnboarding(accountId))
        {
            Webhooks.Send("account.updated", State.Read(State.GetAccount(accountId).ToJson), accountId);
        }
    }

    public void CompleteCheckout(string sessionId)
    {
        if (State.CompleteCheckout(sessionId))
        {
            Webhooks.Send("checkout.session.completed", State.Read(State.GetSession(sessionId).ToJson));
        }
    }

    /// <summary>The session's time runs out unpaid: it expires and <c>checkout.session.expired</c> is sent.</summary>
    public void ExpireCheckout(string sessionId)
    {
        if (State.ExpireCheckout(sessionId))
        {
            Webhooks.Send("checkout.session.expired", State.Read(State.GetSession(sessionId).ToJson));
        }
    }

    /// <summary>The refund fails after it was made (the card was closed): <c>refund.failed</c> is sent and the money is back in the balance.</summary>
    public void FailRefund(string refundId)
    {
        if (State.FailRefund(refundId))
        {
            Webhooks.Send("refund.failed", State.Read(State.GetRefund(refundId).ToJson));
        }
    }

    /// <summary>The cardholder disputes a checkout's payment: <c>charge.dispute.created</c> is sent and the amount leaves the balance.</summary>
    public EmulatedDispute OpenDispute(string paymentIntent, long? amount = null)
    {
        var dispute = State.CreateDispute(paymentIntent, amount);
        Webhooks.Send("charge.dispute.created", State.Read(dispute.ToJson));
        return dispute;
    }

    /// <summary>The dispute is decided: <c>charge.dispute.closed</c> with status won (money back) or lost.</summary>
    public void CloseDispute(string disputeId, bool won)
    {
        if (State.CloseDispute(disputeId, won))
        {
            Webhooks.Send("charge.dispute.closed", State.Read(State.Disputes.Single(d => d.Id == disputeId).ToJson));
        }
    }

    public EmulatedReversal ReverseTransfer(string transferId, long? amount = null) =>
        _handlers.ReverseAndNotify(transferId, amount);

    /// <summary>Sends any event in the background, e.g. <c>payout.failed</c> with <paramref name="account"/> set for a connected account.</summary>
    public EmulatedEvent SendEvent(string type, JsonObject dataObject, string? account = null) =>
        Webhooks.Send(type, dataObject, account);

    /// <summary>Records an event without sending it; deliver it later (in any order, any number of times) with <see cref="DeliverAsync"/>.</summary>
    public EmulatedEvent CreateEvent(string type, JsonObject dataObject, string? account = null) =>
        Webhooks.Create(type, dataObject, account);

    /// <summary>One delivery now; the receiver's status code (0 when unreachable).</summary>
    public Task<int> DeliverAsync(EmulatedEvent evt) => Webhooks.DeliverAsync(evt);

    public Task<int> DeliverAsync(string eventId) => Webhooks.DeliverAsync(Webhooks.Get(eventId));

    /// <summary>Forgets all objects, events, idempotency keys, injected failures and counters; releases held requests.</summary>
    public void Reset()
    {
        ReleaseHeld();
        Failures.Clear();
        Cuts.Clear();
        KeyRevoked = false;
        Idempotency.Clear();
        _endpointRequests.Clear();
        State.Reset();
        Webhooks.Reset();
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _writes, 0);
        Interlocked.Exchange(ref _http429, 0);
        Interlocked.Exchange(ref _replays, 0);
    }

    public async ValueTask DisposeAsync()
    {
        Holds.Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Webhooks.Dispose();
    }
}
