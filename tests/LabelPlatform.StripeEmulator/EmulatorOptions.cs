namespace LabelPlatform.StripeEmulator;

public sealed class EmulatorOptions
{
    /// <summary>Port to listen on (127.0.0.1); 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Added to every /v1 request before it is answered.</summary>
    public TimeSpan Latency { get; set; } = TimeSpan.Zero;

    /// <summary>Token bucket size and refill rate for POSTs; null = unlimited.</summary>
    public int? WritesPerSecond { get; set; }

    public string ApiKey { get; set; } = "sk_test_emulator";

    public Uri? WebhookUrl { get; set; }

    public string WebhookSecret { get; set; } = "whsec_emulator";

    /// <summary>Available platform balance per lowercase currency; currencies not listed get <see cref="DefaultPlatformBalance"/>.</summary>
    public Dictionary<string, long> PlatformBalance { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public long DefaultPlatformBalance { get; set; } = 1_000_000_000_000;

    /// <summary>Delays between retries of a failed webhook delivery (one retry per entry).</summary>
    public IReadOnlyList<TimeSpan> WebhookRetryDelays { get; set; } =
        [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(1)];
}
