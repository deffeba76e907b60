using LabelPlatform.Common;

namespace LabelPlatform.Billing.Stripe;

/// <summary>What a person can do about a failed Stripe call, so no Stripe exception reaches a page.</summary>
public static class StripeErrors
{
    /// <summary>True for the exceptions a Stripe call throws (Stripe's errors, the network, a timeout).</summary>
    public static bool IsStripeFailure(Exception e) =>
        e is global::Stripe.StripeException or HttpRequestException or IOException or TimeoutException or TaskCanceledException;

    public static Error ForPerson(Exception e, string doing)
    {
        var outcome = StripeGateway.Classify(e);
        return outcome.Kind switch
        {
            StripeOutcomeKind.Unknown => Error.Conflict($"Stripe is busy or could not be reached while {doing}. Nothing was charged or changed; try again in a minute."),
            StripeOutcomeKind.StopRun => Error.Conflict($"Stripe refused this platform's payment settings while {doing}. An admin must check the Stripe key; nothing was charged or changed."),
            _ => Error.Validation($"Stripe refused this while {doing}: {Message(e)}"),
        };
    }

    private static string Message(Exception e) => e is global::Stripe.StripeException { StripeError.Message: { Length: > 0 } message } ? message : e.Message;
}
