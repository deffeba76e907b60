using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Billing.Stripe;

/// <summary>
/// Every request this process makes to Stripe, reads included, waits here for a slot under both of
/// Stripe's limits: the account's global rate and the rate of its endpoint (each named operation, such
/// as <c>POST /v1/transfers</c>). Slots are spaced evenly and never saved up while idle, so there is no
/// burst after a pause. A 429 halves the limiter it names (Stripe-Rate-Limited-Reason) and pauses it
/// for a jittered moment; each answered request then wins back 5% of its rate, up to the configured one
/// (about 14 answers from half speed back to full).
/// </summary>
public sealed class StripeRateLimiter
{
    private readonly Pacer _global;
    private readonly ConcurrentDictionary<string, Pacer> _endpoints = new(StringComparer.Ordinal);
    private readonly double _endpointRate;

    public StripeRateLimiter(IOptions<StripeOptions> options)
    {
        var o = options.Value;
        _global = new Pacer(o.GlobalRequestsPerSecond);
        _endpointRate = o.EndpointRequestsPerSecond;
    }

    /// <summary>The endpoint's rate in force now (lower than configured after a 429, until it recovers).</summary>
    public double EndpointRate(string endpoint) => _endpoints.TryGetValue(endpoint, out var p) ? p.Rate : _endpointRate;

    public async ValueTask WaitAsync(string endpoint, CancellationToken ct)
    {
        await EndpointPacer(endpoint).WaitAsync(ct);
        await _global.WaitAsync(ct);
    }

    /// <summary>Stripe answered 429: slow the limiter it named (the endpoint's unless it said the global one).</summary>
    public void Limited(string endpoint, string? reason)
    {
        if (reason is null || reason.StartsWith("global", StringComparison.Ordinal))
        {
            _global.BackOff();
        }
        if (reason is null || !reason.StartsWith("global", StringComparison.Ordinal))
        {
            EndpointPacer(endpoint).BackOff();
        }
    }

    public void Answered(string endpoint)
    {
        _global.Recover();
        EndpointPacer(endpoint).Recover();
    }

    private Pacer EndpointPacer(string endpoint) => _endpoints.GetOrAdd(endpoint, _ => new Pacer(_endpointRate));

    /// <summary><c>POST /v1/transfers/tr_1A2b/reversals</c> → <c>POST /v1/transfers/{id}/reversals</c>: one limit per operation, not per object.</summary>
    public static string EndpointOf(HttpMethod method, string path) =>
        method.Method + " " + string.Join('/', path.Split('/').Select(part => part.Contains('_') && part.Length > 8 ? "{id}" : part));

    private sealed class Pacer
    {
        private readonly Lock _gate = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly double _ceiling;
        private double _rate;
        private TimeSpan _next;

        public Pacer(double ceiling)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ceiling);
            _ceiling = ceiling;
            _rate = ceiling;
        }

        public double Rate
        {
            get { lock (_gate) { return _rate; } }
        }

        public async ValueTask WaitAsync(CancellationToken ct)
        {
            TimeSpan wait;
            lock (_gate)
            {
                var now = _clock.Elapsed;
                var slot = _next > now ? _next : now;
                _next = slot + TimeSpan.FromSeconds(1 / _rate);
                wait = slot - now;
            }

            if (wait > TimeSpan.FromMilliseconds(0.5))
            {
                await Task.Delay(wait, ct);
            }
        }

        public void BackOff()
        {
            lock (_gate)
            {
                _rate = Math.Max(1, _rate / 2);
                // A pause of 0.5–1.5 s before the next slot, so many waiting callers do not return at once.
                var pause = TimeSpan.FromSeconds(0.5 + Random.Shared.NextDouble());
                var now = _clock.Elapsed;
                _next = (_next > now ? _next : now) + pause;
            }
        }

        public void Recover()
        {
            lock (_gate)
            {
                _rate = Math.Min(_ceiling, _rate * 1.05);
            }
        }
    }
}

/// <summary>Puts every request of the Stripe HTTP client through <see cref="StripeRateLimiter"/> and tells it about 429s.</summary>
public sealed class StripeRateLimitHandler(StripeRateLimiter limiter) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var endpoint = StripeRateLimiter.EndpointOf(request.Method, request.RequestUri?.AbsolutePath ?? "/");
        await limiter.WaitAsync(endpoint, cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if ((int)response.StatusCode == 429)
        {
            limiter.Limited(endpoint, response.Headers.TryGetValues("Stripe-Rate-Limited-Reason", out var reasons) ? reasons.FirstOrDefault() : null);
        }
        else
        {
            limiter.Answered(endpoint);
        }

        return response;
    }
}
