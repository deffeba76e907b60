using System.Text.Json.Nodes;

namespace LabelPlatform.StripeEmulator;

// State objects are mutated only under EmulatorState's lock; ToJson renders them as Stripe does.

public sealed class EmulatedAccount
{
    public required string Id { get; init; }
    public string? Email { get; init; }
    public required string Country { get; init; }
    public string Type { get; init; } = "express";
    public bool TransfersRequested { get; init; }
    public bool Onboarded { get; internal set; }
    public long Created { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];

    public string TransfersCapability => !TransfersRequested ? "none" : Onboarded ? "active" : "inactive";

    public JsonObject ToJson()
    {
        var due = Onboarded ? new JsonArray() : new JsonArray("business_type", "external_account", "tos_acceptance.date", "tos_acceptance.ip");
        var capabilities = new JsonObject();
        if (TransfersRequested)
        {
            capabilities["transfers"] = TransfersCapability;
        }
        return new JsonObject
        {
            ["id"] = Id,
            ["object"] = "account",
            ["type"] = Type,
            ["email"] = Email,
            ["country"] = Country,
            ["default_currency"] = Country == "US" ? "usd" : "eur",
            ["charges_enabled"] = Onboarded,
            ["payouts_enabled"] = Onboarded,
            ["details_submitted"] = Onboarded,
            ["capabilities"] = capabilities,
            ["requirements"] = new JsonObject
            {
                ["currently_due"] = due,
                ["eventually_due"] = due.DeepClone(),
                ["past_due"] = due.DeepClone(),
                ["pending_verification"] = new JsonArray(),
                ["disabled_reason"] = Onboarded ? null : "requirements.past_due",
                ["current_deadline"] = null,
            },
            ["metadata"] = StripeJson.Map(Metadata),
            ["created"] = Created,
            ["livemode"] = false,
        };
    }
}

public sealed class EmulatedTransfer
{
    public required string Id { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public required string Destination { get; init; }
    public string? Description { get; init; }
    public string? TransferGroup { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public long Created { get; init; }
    public string? IdempotencyKey { get; init; }
    public long AmountReversed { get; internal set; }
    public bool Reversed => AmountReversed >= Amount;
    internal List<EmulatedReversal> ReversalList { get; } = [];
    public IReadOnlyList<EmulatedReversal> Reversals => ReversalList.ToList();

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "transfer",
        ["amount"] = Amount,
        ["amount_reversed"] = AmountReversed,
        ["balance_transaction"] = "txn_" + Id[3..],
        ["created"] = Created,
        ["currency"] = Currency,
        ["description"] = Description,
        ["destination"] = Destination,
        ["destination_payment"] = "py_" + Id[3..],
        ["livemode"] = false,
        ["metadata"] = StripeJson.Map(Metadata),
        ["reversals"] = StripeJson.List(ReversalList.AsEnumerable().Reverse().Select(r => (JsonNode)r.ToJson()),
            false, $"/v1/transfers/{Id}/reversals", ReversalList.Count),
        ["reversed"] = Reversed,
        ["source_transaction"] = null,
        ["source_type"] = "card",
        ["transfer_group"] = TransferGroup,
    };
}

public sealed class EmulatedReversal
{
    public required string Id { get; init; }
    public required string TransferId { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public long Created { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "transfer_reversal",
        ["amount"] = Amount,
        ["balance_transaction"] = "txn_" + Id[4..],
        ["created"] = Created,
        ["currency"] = Currency,
        ["destination_payment_refund"] = "pyr_" + Id[4..],
        ["metadata"] = StripeJson.Map(Metadata),
        ["source_refund"] = null,
        ["transfer"] = TransferId,
    };
}

public sealed class EmulatedRefund
{
    public required string Id { get; init; }
    public required string PaymentIntent { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public long Created { get; init; }
    public string Status { get; internal set; } = "succeeded";
    public string? FailureReason { get; internal set; }
    public Dictionary<string, string> Metadata { get; init; } = [];

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "refund",
        ["amount"] = Amount,
        ["balance_transaction"] = "txn_" + Id[3..],
        ["charge"] = "ch_" + PaymentIntent[3..],
        ["created"] = Created,
        ["currency"] = Currency,
        ["failure_reason"] = FailureReason,
        ["metadata"] = StripeJson.Map(Metadata),
        ["payment_intent"] = PaymentIntent,
        ["reason"] = "requested_by_customer",
        ["status"] = Status,
    };
}

public sealed class EmulatedDispute
{
    public required string Id { get; init; }
    public required string PaymentIntent { get; init; }
    public long Amount { get; init; }
    public required string Currency { get; init; }
    public long Created { get; init; }
    public string Status { get; internal set; } = "needs_response";
    public string Reason { get; init; } = "fraudulent";

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "dispute",
        ["amount"] = Amount,
        ["charge"] = "ch_" + PaymentIntent[3..],
        ["created"] = Created,
        ["currency"] = Currency,
        ["is_charge_refundable"] = false,
        ["livemode"] = false,
        ["metadata"] = new JsonObject(),
        ["payment_intent"] = PaymentIntent,
        ["reason"] = Reason,
        ["status"] = Status,
    };
}

public sealed record EmulatedLineItem(string Name, string Currency, long UnitAmount, long Quantity);

public sealed class EmulatedCheckoutSession
{
    public required string Id { get; init; }
    public required string Url { get; init; }
    public required string Mode { get; init; }
    public required string SuccessUrl { get; init; }
    public string? CancelUrl { get; init; }
    public string? ClientReferenceId { get; init; }
    public string? CustomerEmail { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = [];
    public IReadOnlyList<EmulatedLineItem> LineItems { get; init; } = [];
    public long Created { get; init; }
    public string Status { get; internal set; } = "open";
    public string PaymentStatus { get; internal set; } = "unpaid";
    public string? PaymentIntent { get; internal set; }

    public long AmountTotal => LineItems.Sum(l => l.UnitAmount * l.Quantity);
    public string Currency => LineItems.Count > 0 ? LineItems[0].Currency : "usd";

    public JsonObject ToJson() => new()
    {
        ["id"] = Id,
        ["object"] = "checkout.session",
        ["amount_subtotal"] = AmountTotal,
        ["amount_total"] = AmountTotal,
        ["cancel_url"] = CancelUrl,
        ["client_reference_id"] = ClientReferenceId,
        ["created"] = Created,
        ["currency"] = Currency,
        ["customer_email"] = CustomerEmail,
        ["expires_at"] = Created + 86400,
        ["livemode"] = false,
        ["metadata"] = StripeJson.Map(Metadata),
        ["mode"] = Mode,
        ["payment_intent"] = PaymentIntent,
        ["payment_status"] = PaymentStatus,
        ["status"] = Status,
        ["success_url"] = SuccessUrl,
        ["url"] = Status == "open" ? Url : null,
    };
}

public sealed record DeliveryAttempt(DateTimeOffset At, int StatusCode, string? Error);

public sealed class EmulatedEvent
{
    public required string Id { get; init; }
    public required string Type { get; init; }
    public string? Account { get; init; }
    public required string Json { get; init; }
    internal List<DeliveryAttempt> AttemptList { get; } = [];

    public IReadOnlyList<DeliveryAttempt> Attempts { get { lock (AttemptList) { return AttemptList.ToList(); } } }

    /// <summary>pending (never tried), delivered (a 2xx), or failed.</summary>
    public string DeliveryStatus
    {
        get
        {
            var attempts = Attempts;
            return attempts.Count == 0 ? "pending"
                : attempts.Any(a => a.StatusCode is >= 200 and < 300) ? "delivered" : "failed";
        }
    }
}

public sealed record EmulatorStats(long Requests, long Writes, long Http429, long TransfersCreated, long Replays);
