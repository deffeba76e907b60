using global::Stripe;
using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

/// <summary>
/// A refund that reached Stripe failed later (the card was closed or expired): the money returns to
/// the organisation's funds, once, however often or late the event comes. <c>refund.updated</c> says
/// the same for API versions before <c>refund.failed</c>.
/// </summary>
public class RefundFailedEvent(ILogger<RefundFailedEvent> logger) : IStripeEventHandler
{
    private static readonly string FindSql = Sql.Named("Billing/Webhooks/RefundAndDisputeEvents.sql", "Find");

    public virtual string EventType => "refund.failed";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not global::Stripe.Refund refund || refund.Status is not ("failed" or "canceled"))
        {
            return;
        }

        var ours = refund.Metadata is not null && refund.Metadata.TryGetValue("refund_id", out var text) && Guid.TryParse(text, out var parsed) ? parsed : Guid.Empty;
        await using var find = Sql.Command(connection, tx, FindSql, refund.Id, ours);
        if (await find.ExecuteScalarAsync(ct) is not Guid id)
        {
            logger.LogWarning("Stripe refund {Refund} failed but is not one of ours", refund.Id);
            return;
        }

        await RefundFunds.FailAsync(connection, tx, id, $"The card did not take the refund ({refund.FailureReason ?? refund.Status})", now, ct);
    }
}

public sealed class RefundUpdatedEvent(ILogger<RefundFailedEvent> logger) : RefundFailedEvent(logger)
{
    public override string EventType => "refund.updated";
}

/// <summary>
/// <c>charge.dispute.created</c> freezes the disputed amount from the organisation that paid (each job's
/// escrow first, largest first, then its funds) and records what it did not hold as the platform's
/// exposure; <c>charge.dispute.closed</c> gives the frozen money back when won, or lets it go (and the
/// platform bears the exposure) when lost. A closed event that arrives first applies the opening too;
/// replays change nothing.
/// </summary>
public class DisputeEvents(ILogger<DisputeEvents> logger) : IStripeEventHandler
{
    private static readonly string SessionSql = Sql.Named("Billing/Webhooks/RefundAndDisputeEvents.sql", "Session");

    private static readonly string InsertSql = Sql.Named("Billing/Webhooks/RefundAndDisputeEvents.sql", "Insert");

    // The organisation's escrows in this currency, largest first, and its funds; locked by the posting that follows.
    private static readonly string HoldingsSql = Sql.Named("Billing/Webhooks/RefundAndDisputeEvents.sql", "Holdings");

    private static readonly string FundsSql = Sql.Named("Billing/Webhooks/RefundAndDisputeEvents.sql", "Funds");

    private static readonly string FrozenSql = Sql.Named("Billing/Webhooks/RefundAndDisputeEvents.sql", "Frozen");

    private static readonly string CloseSql = Sql.Named("Billing/Webhooks/RefundAndDisputeEvents.sql", "Close");

    public virtual string EventType => "charge.dispute.created";

    public async Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not global::Stripe.Dispute dispute)
        {
            return;
        }

        if (!await OpenAsync(connection, tx, dispute, now, ct) || EventType != "charge.dispute.closed")
        {
            return;
        }

        var won = dispute.Status is "won" or "warning_closed";
        if (!won && dispute.Status != "lost")
        {
            return;
        }

        await using var close = Sql.Command(connection, tx, CloseSql, dispute.Id, won ? "Won" : "Lost", now);
        await using var reader = await close.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return; // closed before: a replay
        }

        var (organisationId, currency, frozen, exposure) = (reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3));
        await reader.CloseAsync();
        if (won)
        {
            await LedgerWriter.PostAsync(connection, tx, Postings.DisputeWon(dispute.Id, organisationId, currency, frozen), now, ct);
            return;
        }

        await LedgerWriter.PostAsync(connection, tx, Postings.DisputeLost(dispute.Id, organisationId, currency, frozen, exposure), now, ct);
        await RaiseBillingAlert.WriteAsync(connection, tx, BillingAlertKinds.DisputeLost,
            $"Dispute {dispute.Id} lost: {MoneyFormat.Format(frozen, currency)} frozen from the organisation went back to the cardholder"
            + (exposure > 0 ? $"; the platform bore {MoneyFormat.Format(exposure, currency)} it did not hold." : "."), now, ct);
    }

    /// <summary>Records the dispute and freezes the money (once); false when the payment is not one of ours.</summary>
    private async Task<bool> OpenAsync(NpgsqlConnection connection, NpgsqlTransaction tx, global::Stripe.Dispute dispute, DateTimeOffset now, CancellationToken ct)
    {
        string sessionId, currency;
        Guid organisationId;
        await using (var find = Sql.Command(connection, tx, SessionSql, dispute.PaymentIntentId ?? ""))
        await using (var reader = await find.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                logger.LogWarning("Dispute {Dispute} is about payment {PaymentIntent}, which is not one of ours", dispute.Id, dispute.PaymentIntentId);
                await reader.CloseAsync();
                await RaiseBillingAlert.WriteAsync(connection, tx, BillingAlertKinds.DisputeOpened,
                    $"Dispute {dispute.Id} of {MoneyFormat.Format(dispute.Amount, dispute.Currency.ToUpperInvariant())} is about a payment this platform does not know ({dispute.PaymentIntentId}); answer it in the Stripe Dashboard.", now, ct);
                return false;
            }

            (sessionId, organisationId, currency) = (reader.GetString(0), reader.GetGuid(1), reader.GetString(2));
        }

        if (await Sql.ExecuteAsync(connection, tx, InsertSql, ct, dispute.Id, organisationId, sessionId, dispute.Amount, currency, dispute.Reason ?? "", now) == 0)
        {
            return true; // opened before
        }

        var escrows = new List<(Guid JobId, long Balance)>();
        await using (var read = Sql.Command(connection, tx, HoldingsSql, organisationId, currency))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                escrows.Add((reader.GetGuid(0), reader.GetInt64(1)));
            }
        }

        long funds;
        await using (var read = Sql.Command(connection, tx, FundsSql, organisationId, currency))
        {
            funds = (long)(await read.ExecuteScalarAsync(ct))!;
        }

        var left = dispute.Amount;
        var fromEscrow = new List<(Guid JobId, long Amount)>();
        foreach (var (jobId, balance) in escrows)
        {
            if (left == 0)
            {
                break;
            }

            var take = Math.Min(left, balance);
            fromEscrow.Add((jobId, take));
            left -= take;
        }

        var fromFunds = Math.Min(left, funds);
        var frozen = dispute.Amount - left + fromFunds;
        var exposure = dispute.Amount - frozen;
        if (frozen > 0)
        {
            var posted = await LedgerWriter.PostAsync(connection, tx, Postings.DisputeFrozen(dispute.Id, organisationId, currency, fromEscrow, fromFunds), now, ct);
            if (!posted.IsSuccess)
            {
                // A payment moved the money between the read and the lock: fail, and Stripe delivers the event again.
                throw new InvalidOperationException($"Dispute {dispute.Id}: {posted.Error!.Message}");
            }
        }

        await Sql.ExecuteAsync(connection, tx, FrozenSql, ct, dispute.Id, frozen, exposure);
        await RaiseBillingAlert.WriteAsync(connection, tx, BillingAlertKinds.DisputeOpened,
            $"Dispute {dispute.Id} ({dispute.Reason}) of {MoneyFormat.Format(dispute.Amount, currency)}: {MoneyFormat.Format(frozen, currency)} frozen from the organisation"
            + (fromEscrow.Count > 0 ? $" ({MoneyFormat.Format(fromEscrow.Sum(e => e.Amount), currency)} from its jobs' escrow)" : "")
            + $"; platform exposure {MoneyFormat.Format(exposure, currency)}. Answer it in the Stripe Dashboard.", now, ct);
        return true;
    }
}

public sealed class DisputeClosedEvent(ILogger<DisputeEvents> logger) : DisputeEvents(logger)
{
    public override string EventType => "charge.dispute.closed";
}
