using global::Stripe;
using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

/// <summary>Stripe says what a worker's connected account can do now; payouts follow it.</summary>
public sealed class AccountUpdated : IStripeEventHandler
{
    private const string UpdateSql = "UPDATE payout_accounts SET payouts_enabled = $2, requirements = $3, updated_at = $4 WHERE stripe_account_id = $1";

    public string EventType => "account.updated";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not Account account)
        {
            return;
        }

        var enabled = account.PayoutsEnabled && account.Capabilities?.Transfers == "active";
        var due = string.Join(", ", account.Requirements?.CurrentlyDue ?? []);
        await using var update = Sql.Command(connection, tx, UpdateSql, account.Id, enabled, due.Length <= 1000 ? due : due[..1000], now);
        await update.ExecuteNonQueryAsync(ct);
    }
}
