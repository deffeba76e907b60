using global::Stripe;
using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

/// <summary>
/// A worker's bank refused Stripe's payout from their connected account. The money stays in that
/// Stripe account (our transfer stood), so the ledger does not move; the worker is told to fix their
/// bank details, and the payout row shows why.
/// </summary>
public sealed class PayoutFailed : IStripeEventHandler
{
    private static readonly string NoteSql = Sql.Named("Billing/Webhooks/PayoutFailed.sql", "Note");

    public string EventType => "payout.failed";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not global::Stripe.Payout payout || stripeEvent.Account is null)
        {
            return;
        }

        var reason = $"Your bank refused a payout ({payout.FailureMessage ?? payout.FailureCode ?? "no reason given"}). Update your bank details in Stripe; the money waits in your Stripe account.";
        await using var note = Sql.Command(connection, tx, NoteSql, stripeEvent.Account, reason.Length <= 500 ? reason : reason[..500], now);
        await note.ExecuteNonQueryAsync(ct);
    }
}
