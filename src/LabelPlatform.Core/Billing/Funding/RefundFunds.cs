using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Stripe;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Billing.Funding;

/// <summary>What a refund request did: refunded to cards now, still waiting for Stripe, and to how many cards.</summary>
public sealed record RefundRequestResult(long Refunded, long Waiting, int Cards);

/// <summary>What an organisation can have back: its funds, and how much of its card payments Stripe can still refund.</summary>
public sealed record Refundable(long Funds, long ToCards)
{
    public long Now => Math.Min(Funds, ToCards);
}

/// <summary>
/// A researcher takes unused funds back to the cards they came from. The amount is spread over the
/// organisation's card payments in this currency, newest first (Stripe refunds a payment at most up
/// to what is left of it). As with payouts (ADR 0014), each part is written down first (a Pending
/// refund, the money out of the organisation's funds, in one transaction, so two requests at once
/// cannot refund more than the funds), then sent with its own idempotency key; a refusal puts the
/// money back, an unknown answer leaves it Pending for <see cref="ResumeAsync"/>, which looks it up
/// before sending again.
/// </summary>
public sealed class RefundFunds(
    NpgsqlDataSource dataSource,
    IStripeGateway stripe,
    IOptions<StripeOptions> stripeOptions,
    TimeProvider clock,
    ILogger<RefundFunds> logger)
{
    private static readonly string RequestSumsSql = Sql.Named("Billing/Funding/RefundFunds.sql", "RequestSums");
    private static readonly string FailSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Fail");
    private static readonly string RequestExistsSql = Sql.Named("Billing/Funding/RefundFunds.sql", "RequestExists");
    private static readonly string RefundableSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Refundable");

    private static readonly string SessionsSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Sessions");

    private static readonly string InsertSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Insert");

    private static readonly string RefundedSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Refunded");

    private static readonly string ClaimSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Claim");

    private static readonly string SucceededSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Succeeded");

    private static readonly string WaitSql = Sql.Named("Billing/Funding/RefundFunds.sql", "Wait");

    private sealed record Part(Guid Id, Guid OrganisationId, string SessionId, string PaymentIntent, long Amount, string Currency, DateTimeOffset CreatedAt);

    public async Task<Refundable> RefundableAsync(Guid organisationId, string currency, CancellationToken ct = default)
    {
        await using var command = Sql.Command(dataSource, RefundableSql, organisationId, currency);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Refundable(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <param name="requestId">The form's key: the same request sent twice refunds once.</param>
    public async Task<Result<RefundRequestResult>> HandleAsync(Guid organisationId, string userId, long amount, string currency, Guid requestId, CancellationToken ct = default)
    {
        if (!stripeOptions.Value.IsConfigured)
        {
            return Error.Conflict("Card refunds are not configured on this platform (Stripe:SecretKey). Ask an admin.");
        }

        if (!JobRules.Currencies.Contains(currency))
        {
            return Error.Validation($"Funds are kept in {string.Join(", ", JobRules.Currencies)}; {currency} is not one of them.");
        }

        if (amount <= 0)
        {
            return Error.Validation("Enter an amount above zero.");
        }

        var written = await WriteDownAsync(organisationId, userId, amount, currency, requestId, ct);
        if (!written.IsSuccess)
        {
            return written.Error!;
        }

        var tried = new List<Guid>();
        while (await SendOneAsync(requestId, tried, lookUpFirst: false, ct) is not null)
        {
        }

        var done = await SumAsync(requestId, ct);
        if (done.Succeeded == 0 && done.Pending == 0)
        {
            return Error.Conflict("Stripe refused the refund; your funds are unchanged. The billing statement says why.");
        }

        return new RefundRequestResult(done.Succeeded, done.Pending, done.Parts);
    }

    /// <summary>Sends every refund left Pending by an earlier request (an answer lost, Stripe down), looking each up first. Run with settlement.</summary>
    public async Task<int> ResumeAsync(CancellationToken ct = default)
    {
        var tried = new List<Guid>();
        var resumed = 0;
        while (await SendOneAsync(null, tried, lookUpFirst: true, ct) is not null)
        {
            resumed++;
        }

        return resumed;
    }

    private async Task<Result<bool>> WriteDownAsync(Guid organisationId, string userId, long amount, string currency, Guid requestId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var sessions = new List<(string Id, string PaymentIntent, long Left)>();
        await using (var read = Sql.Command(connection, tx, SessionsSql, organisationId, currency))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                sessions.Add((reader.GetString(0), reader.GetString(1), reader.GetInt64(2)));
            }
        }

        // Asked after the payments are locked, so a repeat of the same request sent at once waits and then sees it.
        await using (var exists = Sql.Command(connection, tx, RequestExistsSql, requestId))
        {
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return true; // a repeat of a request already written down: only send what is left
            }
        }

        var toCards = sessions.Sum(s => s.Left);
        if (toCards < amount)
        {
            return Error.Validation(toCards == 0
                ? $"None of your card payments in {currency} can be refunded; funds credited by an admin are refunded by an admin."
                : $"At most {MoneyFormat.Format(toCards, currency)} can go back to the cards your organisation paid with.");
        }

        var now = clock.GetUtcNow();
        var left = amount;
        foreach (var session in sessions.TakeWhile(_ => left > 0))
        {
            var part = Math.Min(left, session.Left);
            var id = Guid.NewGuid();
            await Sql.ExecuteAsync(connection, tx, InsertSql, ct, id, requestId, organisationId, session.Id, session.PaymentIntent, part, currency, userId, now);
            await Sql.ExecuteAsync(connection, tx, RefundedSql, ct, session.Id, part);
            var posted = await LedgerWriter.PostAsync(connection, tx, Postings.Refund(id, organisationId, currency, part, session.Id), now, ct);
            if (!posted.IsSuccess)
            {
                return posted.Error!; // the funds do not cover it: nothing was written
            }

            left -= part;
        }

        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>One Pending refund sent under its row lock, its outcome written in the same transaction; null when none is left.</summary>
    private async Task<RefundStatus?> SendOneAsync(Guid? requestId, List<Guid> tried, bool lookUpFirst, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Part part;
        await using (var claim = Sql.Command(connection, tx, ClaimSql, (object?)requestId ?? DBNull.Value, tried.ToArray()))
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            part = new Part(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6));
        }

        tried.Add(part.Id);
        StripeOutcome outcome;
        if (lookUpFirst)
        {
            var found = await stripe.FindRefundAsync(part.PaymentIntent, part.Id, ct);
            outcome = !found.Outcome.Succeeded ? found.Outcome
                : found.Value is { } existing ? StripeOutcome.Made(existing)
                : await stripe.CreateRefundAsync(part.PaymentIntent, part.Amount, part.Id, $"refund:{part.Id}", ct);
        }
        else
        {
            outcome = await stripe.CreateRefundAsync(part.PaymentIntent, part.Amount, part.Id, $"refund:{part.Id}", ct);
        }

        var now = clock.GetUtcNow();
        RefundStatus status;
        switch (outcome.Kind)
        {
            case StripeOutcomeKind.Made:
                await Sql.ExecuteAsync(connection, tx, SucceededSql, ct, part.Id, outcome.Id!, now);
                status = RefundStatus.Succeeded;
                break;
            case StripeOutcomeKind.RefusedForAccount or StripeOutcomeKind.Refused:
                await FailAsync(connection, tx, part.Id, outcome.Error ?? "Stripe refused the refund", now, ct);
                status = RefundStatus.Failed;
                break;
            default:
                var why = $"Waiting: {outcome.Error}";
                await Sql.ExecuteAsync(connection, tx, WaitSql, ct, part.Id, why.Length <= 500 ? why : why[..500], now);
                if (outcome.Kind is StripeOutcomeKind.StopRun or StripeOutcomeKind.BalanceInsufficient)
                {
                    await RaiseBillingAlert.WriteAsync(connection, tx, BillingAlertKinds.RefundWaiting,
                        $"A refund of {MoneyFormat.Format(part.Amount, part.Currency)} waits: {outcome.Error}", now, ct);
                }

                logger.LogWarning("Refund {RefundId} left pending: {Reason}", part.Id, outcome.Error);
                status = RefundStatus.Pending;
                break;
        }

        await tx.CommitAsync(ct);
        return status;
    }

    /// <summary>A refund that did not reach the card: Failed, its money back in the organisation's funds and the payment refundable again. False when it had failed already.</summary>
    internal static async Task<bool> FailAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid refundId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var text = reason.Length <= 500 ? reason : reason[..500];
        Guid organisationId;
        string sessionId, currency;
        long amount;
        await using (var fail = Sql.Command(connection, tx, FailSql, refundId, text, now))
        await using (var reader = await fail.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return false;
            }

            (organisationId, sessionId, amount, currency) = (reader.GetGuid(0), reader.GetString(1), reader.GetInt64(2), reader.GetString(3));
        }

        await Sql.ExecuteAsync(connection, tx, RefundedSql, ct, sessionId, -amount);
        await LedgerWriter.PostAsync(connection, tx, Postings.RefundFailed(refundId, organisationId, currency, amount, $"Refund not made: {text}"), now, ct);
        return true;
    }

    private async Task<(long Succeeded, long Pending, int Parts)> SumAsync(Guid requestId, CancellationToken ct)
    {
        await using var command = Sql.Command(dataSource, RequestSumsSql, requestId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2));
    }
}
