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

    /// <summary>Signed amounts read as money in or out: "+20.00 USD", "-3.00 USD".</summary>
    public static string Signed(long minor, string currency) => (minor > 0 ? "+" : "") + MoneyFormat.Format(minor, currency);

    public static string AmountClass(long minor) => minor < 0 ? "mud-error-text" : "mud-success-text";
}
