using LabelPlatform.Jobs;
using MudBlazor;

namespace LabelPlatform.Web.Components.Billing;

/// <summary>How billing's stored codes read to the people who see them.</summary>
public static class BillingWords
{
    /// <summary>A ledger transaction's kind, as the organisation's statement shows it.</summary>
    public static string Kind(string kind) => kind switch
    {
        "Funding" => "Card payment",
        "ManualCredit" => "Credit from LabelPlatform",
        "Escrow" => "Set aside for a job",
        "EscrowRelease" => "Unused job budget returned",
        "Earning" => "Accepted answers",
        "Bonus" => "Bonus",
        "PayoutStarted" => "Payout started",
        "PayoutSent" => "Payout sent",
        "PayoutFailed" => "Payout failed, money returned",
        "PayoutReversed" => "Payout reversed, money returned",
        "PlatformCover" => "Covered by LabelPlatform",
        "Refund" => "Refund to card",
        "RefundFailed" => "Refund not made, money returned",
        "DisputeFrozen" => "Frozen: a card payment is disputed",
        "DisputeWon" => "Dispute won, money returned",
        "DisputeLost" => "Dispute lost",
        _ => kind,
    };

    public static Color PayoutColor(string status) => status switch
    {
        "Paid" => Color.Success,
        "Failed" => Color.Error,
        "Reversed" => Color.Warning,
        _ => Color.Info,
    };

    public static string PayoutStatus(string status) => status switch
    {
        "Pending" => "On its way",
        _ => status,
    };

    /// <summary>
    /// Why a payout is where it is, as its worker reads it: the platform's own conditions (its Stripe
    /// balance, an admin's check) are said plainly without the platform's figures; Stripe's words about
    /// the worker's account are theirs to act on.
    /// </summary>
    public static string? PayoutDetail(string status, string? reason) => (status, reason) switch
    {
        (_, null) => null,
        ("Pending", var r) when r.StartsWith("Waiting for the platform's Stripe balance", StringComparison.Ordinal) =>
            "Waiting for the platform's funds to clear at Stripe (card payments take a few days); sent automatically once they have. Nothing to do on your side.",
        ("Pending", var r) when r.StartsWith("Held for an admin", StringComparison.Ordinal) =>
            "Held for a check by the platform; nothing to do on your side.",
        ("Pending", _) => "Stripe did not confirm this payout yet; it is checked and sent again automatically.",
        (_, var r) => r,
    };

    /// <summary>Signed amounts read as money in or out: "+20.00 USD", "-3.00 USD".</summary>
    public static string Signed(long minor, string currency) => (minor > 0 ? "+" : "") + MoneyFormat.Format(minor, currency);

    public static string AmountClass(long minor) => minor < 0 ? "mud-error-text" : "mud-success-text";
}
