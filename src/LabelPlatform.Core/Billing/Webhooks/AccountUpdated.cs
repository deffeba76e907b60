using global::Stripe;
using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

/// <summary>
/// Stripe says what a worker's connected account can do now; payouts follow it. Events can arrive
/// late and out of order: one older than what we know of the account (an earlier event, or our own
/// read of it) changes nothing.
/// </summary>
public sealed class AccountUpdated : IStripeEventHandler
{
    private static readonly string UpdateSql = Sql.Named("Billing/Webhooks/AccountUpdated.sql", "Update");

    public string EventType => "account.updated";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not Account account)
        {
            return;
        }

        var enabled = account.PayoutsEnabled && account.Capabilities?.Transfers == "active";
        var due = string.Join(", ", account.Requirements?.CurrentlyDue ?? []);
        var described = new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        await using var update = Sql.Command(connection, tx, UpdateSql, account.Id, enabled, due.Length <= 1000 ? due : due[..1000], now, described);
        await update.ExecuteNonQueryAsync(ct);
    }
}
