using global::Stripe;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

/// <summary>
/// Stripe took (some of) a transfer back: that much returns to the worker's payable. The event may
/// arrive before settlement recorded the transfer (it crashed after Stripe made it): then the payout
/// is recorded as sent first, so the ledger tells the true story in order.
/// </summary>
public sealed class TransferReversed(ILogger<TransferReversed> logger) : IStripeEventHandler
{
    private static readonly string PayoutSql = Sql.Named("Billing/Webhooks/TransferReversed.sql", "Payout");

    private static readonly string SentSql = Sql.Named("Billing/Webhooks/TransferReversed.sql", "Sent");

    private static readonly string ReversedSql = Sql.Named("Billing/Webhooks/TransferReversed.sql", "Reversed");

    public string EventType => "transfer.reversed";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not Transfer transfer)
        {
            return;
        }

        var metadataId = transfer.Metadata is not null && transfer.Metadata.TryGetValue("payout_id", out var text) && Guid.TryParse(text, out var parsed) ? parsed : Guid.Empty;
        Guid id;
        string workerId, currency, status;
        long amount, reversedBefore;
        await using (var read = Sql.Command(connection, tx, PayoutSql, transfer.Id, metadataId))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                logger.LogWarning("Transfer {Transfer} was reversed but is not one of our payouts", transfer.Id);
                return;
            }

            (id, workerId, currency, amount, status, reversedBefore) = (reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4), reader.GetInt64(5));
        }

        // Locks in the ledger's order: the payable, then in transit.
        await Balances.LockedAsync(connection, tx, LedgerAccount.Payable(workerId, currency), ct);
        if (status == nameof(Payouts.PayoutStatus.Pending))
        {
            await Sql.ExecuteAsync(connection, tx, SentSql, ct, id, transfer.Id, now);
            await LedgerWriter.PostAsync(connection, tx, Postings.PayoutSent(id, workerId, currency, amount, transfer.Id), now, ct);
        }

        var reversedNow = Math.Min(transfer.AmountReversed, amount);
        if (reversedNow <= reversedBefore)
        {
            return;
        }

        await LedgerWriter.PostAsync(connection, tx, Postings.PayoutReversed(id, workerId, currency, reversedNow - reversedBefore, reversedNow, transfer.Id), now, ct);
        await Sql.ExecuteAsync(connection, tx, ReversedSql, ct, id, reversedNow, now);
    }

}
