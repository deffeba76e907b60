using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Stripe;
using LabelPlatform.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Billing.Settlement;

public sealed record SettlementResult(int Started, int Paid, int Failed, int StillPending);

/// <summary>
/// Pays every worker at or above the minimum, once. Step one writes each payout down (Pending, with its
/// idempotency key) and moves the money to in transit, before Stripe hears of it; step two sends every
/// Pending payout, from this run or one that crashed, with that same key, so Stripe makes one transfer
/// however often it is asked. Each payout is sent under its row lock, so two runs at once never send
/// the same one side by side. See ADR 0014.
/// </summary>
public sealed class SettlePayouts(
    NpgsqlDataSource dataSource,
    IStripeGateway stripe,
    StripeWritePacer pacer,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<SettlePayouts> logger)
{
    private const int StartChunk = 500;

    // $1 minimum, $2 now, $3 chunk. Workers due a payout, their payable locked (a concurrent run skips them).
    // A worker with a payout in flight has money in transit (a Pending payout's amount is exactly what
    // its worker's in-transit account holds), so they are left out by a primary-key lookup. Asking the
    // payouts table instead was planned as a nested loop over every Pending row (there are none when its
    // statistics are taken), which made writing down N payouts take O(N²): 53 s for 10,000.
    // The unique index on Pending payouts stays the last guard.
    private const string StartSql = $"""
        WITH due AS (
            SELECT a.id AS payable_id, a.owner AS worker_id, a.currency, a.balance AS amount, p.stripe_account_id
            FROM ledger_accounts a JOIN payout_accounts p ON p.worker_id = a.owner AND p.payouts_enabled
            WHERE a.kind = 'WorkerPayable' AND a.balance >= $1
              AND NOT EXISTS (SELECT 1 FROM ledger_accounts t WHERE t.id = md5('PayoutsInTransit:' || a.owner || ':' || a.currency)::uuid AND t.balance > 0)
            ORDER BY a.id
            LIMIT $3
            FOR UPDATE OF a SKIP LOCKED
        ), started AS (
            INSERT INTO payouts (id, worker_id, stripe_account_id, currency, amount, status, idempotency_key, amount_reversed, attempts, created_at, updated_at)
            SELECT p.id, d.worker_id, d.stripe_account_id, d.currency, d.amount, 'Pending', 'payout:' || p.id::text, 0, 0, $2, $2
            FROM due d CROSS JOIN LATERAL (SELECT gen_random_uuid() AS id) p
            ON CONFLICT DO NOTHING
            RETURNING id, worker_id, currency, amount
        ), transit AS (
            INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
            SELECT md5('PayoutsInTransit:' || worker_id || ':' || currency)::uuid, 'PayoutsInTransit', worker_id, currency, 0, $2 FROM started
            ON CONFLICT DO NOTHING
        ), txs AS (
            INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, worker_id, payout_id, memo, created_at)
            SELECT gen_random_uuid(), 'payout:' || id::text, 'PayoutStarted', currency, worker_id, id, '', $2 FROM started
            RETURNING id, payout_id
        )
        INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
        SELECT t.id, e.account, e.amount, s.currency
        FROM txs t JOIN started s ON s.id = t.payout_id
        CROSS JOIN LATERAL (VALUES
            (md5('WorkerPayable:' || s.worker_id || ':' || s.currency)::uuid, -s.amount),
            (md5('PayoutsInTransit:' || s.worker_id || ':' || s.currency)::uuid, s.amount)) AS e(account, amount)
        """;

    private const string ClaimSql = """
        SELECT id, worker_id, stripe_account_id, currency, amount, idempotency_key, attempts FROM payouts
        WHERE status = 'Pending' AND NOT (id = ANY($1))
        ORDER BY created_at, id
        LIMIT 1
        FOR UPDATE SKIP LOCKED
        """;

    private const string PaidSql = "UPDATE payouts SET status = 'Paid', stripe_transfer_id = $2, sent_at = $3, updated_at = $3, attempts = attempts + 1, failure_reason = NULL WHERE id = $1";

    private const string FailedSql = "UPDATE payouts SET status = 'Failed', failure_reason = $2, updated_at = $3, attempts = attempts + 1 WHERE id = $1";

    private const string RetryLaterSql = "UPDATE payouts SET failure_reason = $2, updated_at = $3, attempts = attempts + $4 WHERE id = $1";

    private sealed record Due(Guid Id, string WorkerId, string Account, string Currency, long Amount, string Key);

    public async Task<SettlementResult> RunAsync(IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var paid = 0;
        var failed = 0;
        var pending = 0;
        var total = await CountPendingAsync(ct);
        var tried = new System.Collections.Concurrent.ConcurrentDictionary<Guid, byte>();

        // Sending starts with the first chunk written down: the write rate to Stripe, not the write-down, sets the pace.
        var starting = StartAsync(count => Interlocked.Add(ref total, count), ct);
        var loops = Enumerable.Range(0, Math.Max(1, options.Value.SettlementParallelism)).Select(async _ =>
        {
            while (!ct.IsCancellationRequested)
            {
                var finished = starting.IsCompleted;
                if (await SendOneAsync(tried, ct) is not { } outcome)
                {
                    if (finished)
                    {
                        return;
                    }

                    await Task.WhenAny(starting, Task.Delay(50, ct));
                    continue;
                }

                _ = outcome switch
                {
                    PayoutStatus.Paid => Interlocked.Increment(ref paid),
                    PayoutStatus.Failed => Interlocked.Increment(ref failed),
                    _ => Interlocked.Increment(ref pending),
                };
                progress?.Report((paid + failed + pending, Volatile.Read(ref total)));
            }
        }).ToList();
        var started = await starting;
        await Task.WhenAll(loops);
        logger.LogInformation("Settlement: {Started} payouts started, {Paid} paid, {Failed} refused by Stripe, {Pending} left for the next run", started, paid, failed, pending);
        return new SettlementResult(started, paid, failed, pending);
    }

    /// <summary>Step one: a Pending payout and its ledger move for every worker due one, in chunks of one transaction each.</summary>
    public Task<int> StartAsync(CancellationToken ct) => StartAsync(null, ct);

    private async Task<int> StartAsync(Action<int>? chunkWritten, CancellationToken ct)
    {
        var started = 0;
        while (true)
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            await using var command = Sql.Command(connection, tx, StartSql, options.Value.PayoutMinimum, clock.GetUtcNow(), StartChunk);
            var entries = await command.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            started += entries / 2;
            chunkWritten?.Invoke(entries / 2);
            if (entries == 0)
            {
                return started;
            }
        }
    }

    private async Task<int> CountPendingAsync(CancellationToken ct)
    {
        await using var command = dataSource.CreateCommand("SELECT count(*)::int FROM payouts WHERE status = 'Pending'");
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Step two, one payout: sent under its row lock, its outcome written in the same transaction. Null when none is left.</summary>
    private async Task<PayoutStatus?> SendOneAsync(System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> tried, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Due due;
        await using (var claim = Sql.Command(connection, tx, ClaimSql, tried.Keys.ToArray()))
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            due = new Due(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5));
        }

        var outcome = await SendWithRetriesAsync(due, ct);
        var now = clock.GetUtcNow();
        PayoutStatus status;
        if (outcome.Succeeded)
        {
            await Sql.ExecuteAsync(connection, tx, PaidSql, ct, due.Id, outcome.Id!, now);
            await LedgerWriter.PostAsync(connection, tx, Postings.PayoutSent(due.Id, due.WorkerId, due.Currency, due.Amount, outcome.Id!), now, ct);
            status = PayoutStatus.Paid;
        }
        else if (!outcome.Transient)
        {
            await Sql.ExecuteAsync(connection, tx, FailedSql, ct, due.Id, Truncate(outcome.Error), now);
            await LedgerWriter.PostAsync(connection, tx, Postings.PayoutFailed(due.Id, due.WorkerId, due.Currency, due.Amount, Truncate(outcome.Error)), now, ct);
            logger.LogWarning("Payout {PayoutId} to {Account} refused by Stripe: {Reason}", due.Id, due.Account, outcome.Error);
            status = PayoutStatus.Failed;
        }
        else
        {
            // Only these stay Pending, so only these need skipping for the rest of the run: sending every id
            // this run tried with each claim made a run of N payouts send O(N²) ids to the database.
            tried[due.Id] = 0;
            await Sql.ExecuteAsync(connection, tx, RetryLaterSql, ct, due.Id, Truncate(outcome.Error), now, options.Value.TransientAttempts);
            logger.LogWarning("Payout {PayoutId} left pending for the next run: {Reason}", due.Id, outcome.Error);
            status = PayoutStatus.Pending;
        }

        await tx.CommitAsync(ct);
        return status;
    }

    private async Task<StripeOutcome> SendWithRetriesAsync(Due due, CancellationToken ct)
    {
        var attempts = Math.Max(1, options.Value.TransientAttempts);
        StripeOutcome outcome = new(null, true, "not sent");
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
            await pacer.WaitAsync(ct);
            outcome = await stripe.CreateTransferAsync(due.Amount, due.Currency, due.Account, due.Id, due.Key, ct);
            if (!outcome.Transient || attempt == attempts)
            {
                return outcome;
            }

            // Exponential backoff with jitter: 250 ms, 500 ms, 1 s, … so a struggling Stripe is not hammered.
            var backoff = TimeSpan.FromMilliseconds((250 << (attempt - 1)) * (0.75 + (Random.Shared.NextDouble() / 2)));
            await Task.Delay(backoff, ct);
        }

        return outcome;
    }


    private static string Truncate(string? text) => text is null ? "" : text.Length <= 500 ? text : text[..500];
}
