namespace LabelPlatform.StripeEmulator;

public sealed class EmulatorOptions
{
    /// <summary>Port to listen on (127.0.0.1); 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Added to every /v1 request before it is answered.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>
    /// The account's global limit on every /v1 request, reads included (token bucket of this size and
    /// refill rate); null = unlimited. Stripe documents 100/s in live mode and 25/s in a sandbox:
    /// <see cref="DocumentedLimits"/> sets them.
    /// </summary>
    public int? RequestsPerSecond { get; set; }

    /// <summary>The limit on each endpoint (method and path with ids left out, e.g. <c>POST /v1/transfers</c>); null = unlimited. Stripe's default is 25/s.</summary>
    public int? EndpointRequestsPerSecond { get; set; }

    /// <summary>A key starting <c>sk_live_</c> makes the emulator a live-mode account: events and the balance say <c>livemode: true</c>.</summary>
    public string ApiKey { get; set; } = "sk_test_emulator";

    public bool Livemode => ApiKey.StartsWith("sk_live_", StringComparison.Ordinal) || ApiKey.StartsWith("rk_live_", StringComparison.Ordinal);

    /// <summary>The platform's endpoint: events about the platform's own account (checkout, transfers).</summary>
    public Uri? WebhookUrl { get; set; }

    public string WebhookSecret { get; set; } = "whsec_emulator";

    /// <summary>The Connect endpoint: events about connected accounts (those with <c>account</c> set) go here only, signed with its own secret.</summary>
    public Uri? ConnectWebhookUrl { get; set; }

    public string ConnectWebhookSecret { get; set; } = "whsec_emulator_connect";

    /// <summary>How long a completed checkout's payment stays pending before it is available for transfers.</summary>
    public TimeSpan FundsPendingFor { get; set; } = TimeSpan.FromDays(2);

    /// <summary>Stripe's documented rate limits for this key's mode: 100 requests/s (live) or 25/s (sandbox) in all, 25/s per endpoint.</summary>
    public EmulatorOptions DocumentedLimits()
    {
        RequestsPerSecond = Livemode ? 100 : 25;
        EndpointRequestsPerSecond = 25;
        return this;
    }

    /// <summary>Available platform balance per lowercase currency; currencies not listed get <see cref="DefaultPlatformBalance"/>.</summary>
    public Dictionary<string, long> PlatformBalance { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public long DefaultPlatformBalance { get; set; } = 1_000_000_000_000;

    /// <summary>Delays between retries of a failed webhook delivery (one retry per entry).</summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; set; } =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];
}
