namespace LabelPlatform.Webhooks;

/// <summary>Where an organisation wants its events posted, signed with a secret only it and we hold.</summary>
public sealed class WebhookEndpoint
{
    public const int MaxUrlLength = 2000;

    public const int MaxDescriptionLength = 200;

    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    public string CreatedByUserId { get; set; } = "";

    public string Url { get; set; } = "";

    public string Description { get; set; } = "";

    /// <summary>The event types it gets (<see cref="Common.Events.OrganisationEventTypes.Subscribable"/>).</summary>
    public List<string> Events { get; set; } = [];

    public bool Enabled { get; set; } = true;

    /// <summary>The signing secret, encrypted with the site's data-protection keys; shown to the researcher once.</summary>
    public string ProtectedSecret { get; set; } = "";

    /// <summary>After a rotation, the old secret still signs (beside the new one) until it expires.</summary>
    public string? ProtectedPreviousSecret { get; set; }

    public DateTimeOffset? PreviousSecretExpiresAt { get; set; }

    /// <summary>The start of the secret ("whsec_ab12…"), so the researcher can tell which one they hold.</summary>
    public string SecretHint { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

public enum WebhookDeliveryStatus
{
    /// <summary>Not delivered yet; tried again at <see cref="WebhookDelivery.NextAttemptAt"/>.</summary>
    Pending,

    /// <summary>The endpoint answered 2xx.</summary>
    Delivered,

    /// <summary>No 2xx before the retries ran out; a person can redeliver it.</summary>
    Failed,
}

/// <summary>One event on its way to one endpoint: the exact body, its tries, where it stands.</summary>
public sealed class WebhookDelivery
{
    public Guid Id { get; set; }

    public Guid EndpointId { get; set; }

    public Guid OrganisationId { get; set; }

    public Guid EventId { get; set; }

    public string EventType { get; set; } = "";

    /// <summary>The JSON body, the same bytes on every try (each try is signed with its own timestamp).</summary>
    public string Payload { get; set; } = "";

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the next try is due (while pending); a sender holding it pushes it on as a lease.</summary>
    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>After this, a failed try is the last one.</summary>
    public DateTimeOffset GiveUpAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }

    /// <summary>A person asked for one more try (redeliver); it is one try, whatever the schedule said.</summary>
    public bool Redelivery { get; set; }
}

/// <summary>One try of a delivery, as the endpoint answered it.</summary>
public sealed class WebhookAttempt
{
    public const int MaxExcerptLength = 1000;

    public long Id { get; set; }

    public Guid DeliveryId { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }

    /// <summary>The HTTP status, or null when no answer came (refused, timed out, blocked address).</summary>
    public int? StatusCode { get; set; }

    public string? Error { get; set; }

    public int DurationMs { get; set; }

    /// <summary>The start of the answer's body, for the delivery log.</summary>
    public string? ResponseExcerpt { get; set; }

    /// <summary>A person asked for it (redeliver), rather than the schedule.</summary>
    public bool Manual { get; set; }
}

/// <summary>An organisation's "tell me when funds fall below" threshold, and whether they are below it now.</summary>
public sealed class WebhookBalanceAlert
{
    public Guid OrganisationId { get; set; }

    public string Currency { get; set; } = "USD";

    /// <summary>In minor units.</summary>
    public long Threshold { get; set; }

    /// <summary>Below the threshold at the last look: balance.low is sent on the way down only.</summary>
    public bool Below { get; set; }
}

/// <summary>A running job whose gold pool was low at the last look: job.gold_pool_low is sent on the way down only.</summary>
public sealed class WebhookGoldPoolWatch
{
    public Guid JobId { get; set; }

    public bool Low { get; set; }
}
