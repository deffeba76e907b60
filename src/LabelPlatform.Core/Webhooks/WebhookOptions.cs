namespace LabelPlatform.Webhooks;

/// <summary>The "Webhooks" configuration section.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>
    /// Post to loopback, private, link-local and other internal addresses. Off in production: a researcher's
    /// URL must not reach the platform's own network (169.254.169.254, the database, an admin port).
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Refuse http:// endpoints (as live Stripe does).</summary>
    public bool RequireHttps { get; set; } = true;

    /// <summary>Whether this node sends (the web node does unless told not to; tests drive rounds themselves).</summary>
    public bool Dispatch { get; set; } = true;

    /// <summary>How often the sender looks for due deliveries and new events.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait after the first failed try; it doubles after each, up to <see cref="RetryCap"/>.</summary>
    public TimeSpan RetryBase { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetryCap { get; set; } = TimeSpan.FromHours(4);

    /// <summary>How long an event is retried before it is marked failed.</summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long items.settled gathers a job's items into one event.</summary>
    public TimeSpan SettledBatchWindow { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often running jobs' gold pools are looked at for job.gold_pool_low.</summary>
    public TimeSpan GoldPoolInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one try may take, connecting included.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a rotated-out secret still signs.</summary>
    public TimeSpan PreviousSecretLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>When the next try is due after <paramref name="attempts"/> failed ones, or null when it is time to give up.</summary>
    public DateTimeOffset? NextAttempt(int attempts, DateTimeOffset now, DateTimeOffset giveUpAt)
    {
        var wait = TimeSpan.FromTicks((long)Math.Min(RetryCap.Ticks, RetryBase.Ticks * Math.Pow(2, Math.Max(0, attempts - 1))));
        // A little spread, so endpoints that came back at once are not hit by every retry in the same second.
        wait += TimeSpan.FromTicks((long)(wait.Ticks * 0.1 * Random.Shared.NextDouble()));
        var next = now + wait;
        return next > giveUpAt ? null : next;
    }
}
