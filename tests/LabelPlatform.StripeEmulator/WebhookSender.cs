using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace LabelPlatform.StripeEmulator;

/// <summary>
/// Builds Stripe events, signs them as Stripe does and posts them: events about a connected account
/// (<c>account</c> set) to the Connect endpoint with its secret, the rest to the platform's endpoint.
/// </summary>
public sealed class WebhookSender(EmulatorOptions options, EmulatedClock clock) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly List<EmulatedEvent> _events = [];
    private readonly CancellationTokenSource _stopping = new();
    private int _inFlight;

    public Uri? Url { get; private set; } = options.WebhookUrl;
    public string Secret { get; private set; } = options.WebhookSecret;
    public Uri? ConnectUrl { get; private set; } = options.ConnectWebhookUrl;
    public string ConnectSecret { get; private set; } = options.ConnectWebhookSecret;

    public IReadOnlyList<EmulatedEvent> Events { get { lock (_events) { return _events.ToList(); } } }

    /// <summary>Background deliveries (with their retries) not yet finished.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public void Configure(Uri? url, string secret)
    {
        Url = url;
        Secret = secret;
    }

    public void ConfigureConnect(Uri? url, string secret)
    {
        ConnectUrl = url;
        ConnectSecret = secret;
    }

    private (Uri? Url, string Secret) EndpointFor(EmulatedEvent evt) => evt.Account is null ? (Url, Secret) : (ConnectUrl, ConnectSecret);

    public void Reset()
    {
        lock (_events)
        {
            _events.Clear();
        }
    }

    /// <summary>Records an event without delivering it (for replays and out-of-order delivery).</summary>
    public EmulatedEvent Create(string type, JsonObject dataObject, string? account = null)
    {
        var created = clock.UnixNow;
        var json = new JsonObject
        {
            ["id"] = StripeJson.NewId("evt_"),
            ["object"] = "event",
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["created"] = created,
            ["livemode"] = options.Livemode,
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = dataObject },
            ["pending_webhooks"] = 1,
            ["request"] = new JsonObject { ["id"] = null, ["idempotency_key"] = null },
        };
        if (account is not null)
        {
            json["account"] = account;
        }
        var evt = new EmulatedEvent { Id = json["id"]!.GetValue<string>(), Type = type, Account = account, Json = json.ToJsonString() };
        lock (_events)
        {
            _events.Add(evt);
        }
        return evt;
    }

    /// <summary>Records an event and delivers it in the background, retrying failures.</summary>
    public EmulatedEvent Send(string type, JsonObject dataObject, string? account = null)
    {
        var evt = Create(type, dataObject, account);
        if (EndpointFor(evt).Url is not null)
        {
            Interlocked.Increment(ref _inFlight);
            _ = Task.Run(() => DeliverWithRetriesAsync(evt));
        }
        return evt;
    }

    public EmulatedEvent Get(string id) =>
        Events.FirstOrDefault(e => e.Id == id) ?? throw ApiError.NoSuch("event", id);

    private async Task DeliverWithRetriesAsync(EmulatedEvent evt)
    {
        try
        {
            var status = await DeliverAsync(evt);
            foreach (var delay in options.WebhookRetryDelays)
            {
                if (status is >= 200 and < 300)
                {
                    return;
                }
                await Task.Delay(delay, _stopping.Token);
                status = await DeliverAsync(evt);
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>One delivery attempt now; the receiver's status code, or 0 when it could not be reached.</summary>
    public async Task<int> DeliverAsync(EmulatedEvent evt)
    {
        var (target, secret) = EndpointFor(evt);
        if (target is not { } url)
        {
            throw new InvalidOperationException(evt.Account is null ? "No webhook URL is configured." : "No Connect webhook URL is configured.");
        }
        // Signed with real time: the receiver checks the timestamp against its own clock.
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(evt.Json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", SignatureHeader(evt.Json, secret, timestamp));
        request.Headers.UserAgent.ParseAdd("Stripe/1.0 (+https://stripe.com/docs/webhooks)");
        DeliveryAttempt attempt;
        try
        {
            using var response = await _http.SendAsync(request, _stopping.Token);
            attempt = new DeliveryAttempt(DateTimeOffset.UtcNow, (int)response.StatusCode, null);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !_stopping.IsCancellationRequested)
        {
            attempt = new DeliveryAttempt(DateTimeOffset.UtcNow, 0, e.Message);
        }
        lock (evt.AttemptList)
        {
            evt.AttemptList.Add(attempt);
        }
        return attempt.StatusCode;
    }

    /// <summary>Stripe's scheme: <c>t=unix,v1=hex(HMAC-SHA256(secret, "t.body"))</c>.</summary>
    public static string SignatureHeader(string body, string secret, long timestamp)
    {
        var t = timestamp.ToString(CultureInfo.InvariantCulture);
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _http.Dispose();
        _stopping.Dispose();
    }
}
