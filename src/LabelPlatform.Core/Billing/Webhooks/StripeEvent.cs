namespace LabelPlatform.Billing.Webhooks;

/// <summary>A Stripe event we acted on; written in the same transaction as its effect, so each acts once.</summary>
public sealed class StripeEvent
{
    public string Id { get; set; } = "";

    public string Type { get; set; } = "";

    public DateTimeOffset ReceivedAt { get; set; }
}
