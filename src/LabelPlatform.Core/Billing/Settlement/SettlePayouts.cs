using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Stripe;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Billing.Settlement;

/// <param name="WaitingForFunds">Payouts left Pending because the platform's available balance in their currency could not cover them.</param>
/// <param name="StoppedBecause">Set when the run stopped early (Stripe refused the platform itself, or did not answer): the admin was alerted.</param>
public sealed record SettlementResult(int Started, int Paid, int Failed, int StillPending, int WaitingForFunds = 0, string? StoppedBecause = null);

/// <summary>
/// Pays every worker at or above the minimum, once. Step one writes each payout down (Pending, with its
/// idempotency key) and moves the money to in transit, before Stripe hears of it; step two sends every
/// Pending payout, from this run or one that crashed, with that same key, so Stripe makes one transfer
/// however often it is asked within the key's 24 hours. A payout whose earlier attempt got no usable
/// answer is first looked up by its transfer group, so a key Stripe has forgotten never makes a second
/// transfer. Each payout is sent under its row lock, so two runs at once never send the same one side
/// by side. Only the worker's own account fails a payout: the platform's balance makes it wait, and a
/// refusal of the platform itself (bad key, no permission) stops the run with an alert and changes
/// nothing. See ADR 0014 and docs/payments.md.
/// </summary>
public sealed class SettlePayouts(
    NpgsqlDataSource dataSource,
    IStripeGateway stripe,
    RaiseBillingAlert alert,
    IOptions<BillingOptions> options,
    TimeProvider clock,
    ILogger<SettlePayouts> logger)
{
    /// <summary>Payouts in a row that got no usable answer after all their attempts before the run stops (Stripe is down).</summary>
    public const int StopAfterUnanswered = 3;

    private const int StartChunk = 500;

    // $1 minimum, $2 now, $3 chunk. Workers due a payout, their payable locked (a concurrent run skips them).
    // A worker with a payout in flight has money in transit (a Pending payout's amount is exactly what
    // its worker's in-transit account holds), so they are left out by a primary-key lookup. Asking the
    // payouts table instead was planned as a nested loop over every Pending row (there are none when its
    // statistics are taken), which made writing down N payouts take O(N²): 53 s for 10,000.
    // The unique index on Pending payouts stays the last guard.
    private static readonly string CountPendingSql = Sql.Named("Billing/Settlement/SettlePayouts.sql", "CountPending");
    private static readonly string StartSql = Sql.Named("Billing/Settlement/SettlePayouts.sql", "Start");

    // $1 the ids this run left Pending, $2 the run's start. A payout this run already left Pending (its updated_at
    // moved past its created_at since the run began) is skipped even when another sender's list did not have it
    // yet, so no payout is tried twice in one run.
    private static readonly string ClaimSql = Sql.Named("Billing/Settlement/SettlePayouts.sql", "Claim");

    private static readonly string PaidSql = Sql.Named("Billing/Settlement/SettlePayouts.sql", "Paid");

    private static readonly string FailedSql = Sql.Named("Billing/Settlement/SettlePayouts.sql", "Failed");

    private static readonly string RetryLaterSql = Sql.Named("Billing/Settlement/SettlePayouts.sql", "RetryLater");

    // Attempts count only sends whose outcome is unknown: with a payout from an earlier run, "look it up before sending again".
    private static readonly string WaitSql = Sql.Named("Billing/Settlement/SettlePayouts.sql", "Wait");

    private sealed record Due(Guid Id, string WorkerId, string Account, string Currency, long Amount, string Key, int Attempts, DateTimeOffset CreatedAt);

    private enum Sent
    {
        Paid,
        Failed,
        Pending,
        Waiting,
    }

    /// <summary>What one run shares between its loops: the balance left to spend per currency, and whether it must stop.</summary>
    private sealed class Run(PlatformBalance? balance, DateTimeOffset startedAt)
    {
        /// <summary>Payouts written down before this are an earlier run's, which may have sent them and died before writing down the answer.</summary>
        public DateTimeOffset StartedAt { get; } = startedAt;

        private readonly Lock _gate = new();
        private readonly Dictionary<string, long> _left = balance?.Available.ToDictionary(a => a.Key, a => a.Value) ?? [];
        private int _unanswered;

        public PlatformBalance? Balance { get; } = balance;

        public string? StoppedBecause { get; private set; }

        public bool Stopped => Volatile.Read(ref _stopped) != 0;

        private int _stopped;

        /// <summary>True (and the amount set aside) when the balance read at the start covers it; always true when the balance is unknown.</summary>
        public bool TryReserve(string currency, long amount)
        {
            if (Balance is null)
            {
                return true;
            }

            lock (_gate)
            {
                var left = _left.GetValueOrDefault(currency.ToLowerInvariant());
                if (left < amount)
                {
                    return false;
                }

                _left[currency.ToLowerInvariant()] = left - amount;
                return true;
            }
        }

        public void Release(string currency, long amount)
        {
            lock (_gate)
            {
                if (Balance is not null)
                {
                    _left[currency.ToLowerInvariant()] = _left.GetValueOrDefault(currency.ToLowerInvariant()) + amount;
                }
            }
        }

        /// <summary>Stripe said the balance is short: nothing more in this currency this run.</summary>
        public void Exhaust(string currency)
        {
            lock (_gate)
            {
                _left[currency.ToLowerInvariant()] = 0;
            }
        }

        public long Left(string currency)
        {
            lock (_gate)
            {
                return _left.GetValueOrDefault(currency.ToLowerInvariant());
            }
        }

        /// <summary>True for the caller that stops the run (so it alone raises the alert).</summary>
        public bool Stop(string reason)
        {
            if (Interlocked.CompareExchange(ref _stopped, 1, 0) != 0)
            {
                return false;
            }

            StoppedBecause = reason;
            return true;
        }

        /// <summary>Counts payouts in a row without a usable answer; true when the run should stop.</summary>
        public bool Unanswered() => Interlocked.Increment(ref _unanswered) >= StopAfterUnanswered;

        public void Answered() => Interlocked.Exchange(ref _unanswered, 0);
    }

    public async Task<SettlementResult> RunAsync(IProgress<(int Done, int Total)>? progress = null, CancellationToken ct = default)
    {
        var startedAt = clock.GetUtcNow();

        // The balance first: a key Stripe refuses stops the run before anything is written down.
        var balance = await stripe.GetBalanceAsync(ct);
        if (balance.Outcome.Kind == StripeOutcomeKind.StopRun)
        {
            var reason = $"Settlement stopped before it began: {balance.Outcome.Error}. No payout changed; fix the Stripe key or account and settle again.";
            await alert.HandleAsync(BillingAlertKinds.SettlementStopped, reason, ct);
            return new SettlementResult(0, 0, 0, 0, 0, reason);
        }
        if (!balance.Outcome.Succeeded)
        {
            logger.LogWarning("Settlement could not read the platform balance ({Reason}); payouts are sent and Stripe's balance_insufficient makes them wait", balance.Outcome.Error);
        }

        var run = new Run(balance.Value, startedAt);
        var paid = 0;
        var failed = 0;
        var pending = 0;
        var waiting = 0;
        var total = await CountPendingAsync(ct);
        var tried = new System.Collections.Concurrent.ConcurrentDictionary<Guid, byte>();

        // Sending starts with the first chunk written down: the rate Stripe allows, not the write-down, sets the pace.
        var starting = StartAsync(count => Interlocked.Add(ref total, count), ct);
        var loops = Enumerable.Range(0, Math.Max(1, options.Value.SettlementParallelism)).Select(async _ =>
        {
            while (!ct.IsCancellationRequested && !run.Stopped)
            {
                var finished = starting.IsCompleted;
                if (await SendOneAsync(run, tried, ct) is not { } outcome)
                {
                    if (finished || run.Stopped)
                    {
                        return;
                    }

                    await Task.WhenAny(starting, Task.Delay(50, ct));
                    continue;
                }

                _ = outcome switch
                {
                    Sent.Paid => Interlocked.Increment(ref paid),
                    Sent.Failed => Interlocked.Increment(ref failed),
                    Sent.Waiting => Interlocked.Increment(ref waiting),
                    _ => Interlocked.Increment(ref pending),
                };
                progress?.Report((paid + failed + pending + waiting, Volatile.Read(ref total)));
            }
        }).ToList();
        var started = await starting;
        await Task.WhenAll(loops);
        if (waiting > 0)
        {
            await alert.HandleAsync(BillingAlertKinds.FundsPending, WaitingWords(run, waiting), ct);
        }

        logger.LogInformation("Settlement: {Started} payouts started, {Paid} paid, {Failed} refused for the worker's account, {Waiting} waiting for funds, {Pending} left for the next run{Stopped}",
            started, paid, failed, waiting, pending, run.StoppedBecause is null ? "" : $"; stopped: {run.StoppedBecause}");
        return new SettlementResult(started, paid, failed, pending + waiting, waiting, run.StoppedBecause);
    }

    private static string WaitingWords(Run run, int waiting)
    {
        var currencies = run.Balance?.Pending.Where(p => p.Value > 0).Select(p => MoneyFormat.Format(p.Value, p.Key.ToUpperInvariant())).ToList() ?? [];
        return $"{waiting} payout(s) wait for the platform's available Stripe balance"
            + (currencies.Count > 0 ? $" ({string.Join(", ", currencies)} still pending)" : "")
            + ". They stay Pending and are sent by the first run after the funds are available; see the payout schedule in docs/payments.md.";
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
        await using var command = Sql.Command(dataSource, CountPendingSql);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }

    /// <summary>Step two, one payout: sent under its row lock, its outcome written in the same transaction. Null when none is left or the run stopped.</summary>
    private async Task<Sent?> SendOneAsync(Run run, System.Collections.Concurrent.ConcurrentDictionary<Guid, byte> tried, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Due due;
        await using (var claim = Sql.Command(connection, tx, ClaimSql, tried.Keys.ToArray(), run.StartedAt))
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return null;
            }

            due = new Due(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5), reader.GetInt32(6), reader.GetFieldValue<DateTimeOffset>(7));
        }

        if (run.Stopped)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        StripeOutcome outcome;
        var reserved = false;
        if ((due.Attempts > 0 || due.CreatedAt < run.StartedAt) && await LookUpAsync(due, ct) is { } earlier)
        {
            // An earlier attempt got no usable answer, or an earlier run died before writing one down, and
            // the idempotency key may have expired since: ask Stripe what it made before sending again.
            outcome = earlier;
        }
        else if (!run.TryReserve(due.Currency, due.Amount))
        {
            tried[due.Id] = 0;
            await Sql.ExecuteAsync(connection, tx, WaitSql, ct, due.Id, Truncate(WaitReason(run, due.Currency)), now);
            await tx.CommitAsync(ct);
            return Sent.Waiting;
        }
        else
        {
            reserved = true;
            outcome = await SendWithRetriesAsync(due, ct);
        }

        if (outcome.Kind != StripeOutcomeKind.Unknown)
        {
            run.Answered();
        }
        if (reserved && outcome.Kind is not (StripeOutcomeKind.Made or StripeOutcomeKind.Unknown))
        {
            run.Release(due.Currency, due.Amount);
        }

        now = clock.GetUtcNow();
        Sent status;
        switch (outcome.Kind)
        {
            case StripeOutcomeKind.Made:
                await Sql.ExecuteAsync(connection, tx, PaidSql, ct, due.Id, outcome.Id!, now);
                await LedgerWriter.PostAsync(connection, tx, Postings.PayoutSent(due.Id, due.WorkerId, due.Currency, due.Amount, outcome.Id!), now, ct);
                status = Sent.Paid;
                break;
            case StripeOutcomeKind.RefusedForAccount:
                await Sql.ExecuteAsync(connection, tx, FailedSql, ct, due.Id, Truncate(outcome.Error), now);
                await LedgerWriter.PostAsync(connection, tx, Postings.PayoutFailed(due.Id, due.WorkerId, due.Currency, due.Amount, Truncate(outcome.Error)), now, ct);
                logger.LogWarning("Payout {PayoutId} to {Account} refused by Stripe: {Reason}", due.Id, due.Account, outcome.Error);
                status = Sent.Failed;
                break;
            case StripeOutcomeKind.BalanceInsufficient:
                run.Exhaust(due.Currency);
                tried[due.Id] = 0;
                await Sql.ExecuteAsync(connection, tx, WaitSql, ct, due.Id, Truncate(WaitReason(run, due.Currency)), now);
                status = Sent.Waiting;
                break;
            case StripeOutcomeKind.StopRun:
                // Nothing about this payout changes: the transaction is rolled back, the run ends, an admin is told.
                if (run.Stop(outcome.Error ?? "Stripe refused the platform"))
                {
                    await alert.HandleAsync(BillingAlertKinds.SettlementStopped,
                        $"Settlement stopped: {outcome.Error}. No payout changed; fix the Stripe key or account and settle again.", ct);
                }
                return null;
            case StripeOutcomeKind.Refused:
                tried[due.Id] = 0;
                var held = $"Held for an admin: {outcome.Error}";
                await Sql.ExecuteAsync(connection, tx, WaitSql, ct, due.Id, Truncate(held), now);
                await alert.HandleAsync(BillingAlertKinds.PayoutHeld, $"Payout {due.Id} ({MoneyFormat.Format(due.Amount, due.Currency)}) held: {outcome.Error}", ct);
                status = Sent.Pending;
                break;
            default:
                // Only these stay Pending, so only these need skipping for the rest of the run: sending every id
                // this run tried with each claim made a run of N payouts send O(N²) ids to the database.
                tried[due.Id] = 0;
                await Sql.ExecuteAsync(connection, tx, RetryLaterSql, ct, due.Id, Truncate(outcome.Error), now, reserved ? options.Value.TransientAttempts : 0);
                logger.LogWarning("Payout {PayoutId} left pending for the next run: {Reason}", due.Id, outcome.Error);
                status = Sent.Pending;
                if (run.Unanswered() && run.Stop($"Stripe gave no usable answer to {StopAfterUnanswered} payouts in a row (last: {outcome.Error})"))
                {
                    await alert.HandleAsync(BillingAlertKinds.StripeUnreachable,
                        $"Settlement stopped: {run.StoppedBecause}. Those payouts stay Pending; the next run looks each up before sending it again.", ct);
                }
                break;
        }

        await tx.CommitAsync(ct);
        return status;
    }

    /// <summary>The earlier attempt's transfer as a made outcome, an unknown outcome when Stripe cannot be asked, or null when there was none (send it).</summary>
    private async Task<StripeOutcome?> LookUpAsync(Due due, CancellationToken ct)
    {
        var found = await stripe.FindPayoutTransferAsync(due.Id, ct);
        if (!found.Outcome.Succeeded)
        {
            return found.Outcome.Kind == StripeOutcomeKind.StopRun
                ? found.Outcome
                : found.Outcome with { Kind = StripeOutcomeKind.Unknown, Error = $"Could not check whether an earlier attempt was paid: {found.Outcome.Error}" };
        }
        if (found.Value is not { } transfer)
        {
            return null;
        }
        if (transfer.Amount != due.Amount || transfer.Destination != due.Account)
        {
            return new StripeOutcome(null, StripeOutcomeKind.Refused,
                $"Stripe holds transfer {transfer.Id} for this payout of {MoneyFormat.Format(transfer.Amount, transfer.Currency)} to {transfer.Destination}, which does not match it");
        }

        logger.LogInformation("Payout {PayoutId}: an earlier attempt made transfer {TransferId}; recorded, not sent again", due.Id, transfer.Id);
        return StripeOutcome.Made(transfer.Id);
    }

    private static string WaitReason(Run run, string currency)
    {
        var pending = run.Balance?.PendingIn(currency) ?? 0;
        return $"Waiting for the platform's Stripe balance: {MoneyFormat.Format(run.Left(currency), currency.ToUpperInvariant())} available"
            + (pending > 0 ? $", {MoneyFormat.Format(pending, currency.ToUpperInvariant())} still pending" : "")
            + ". Sent once funds are available.";
    }

    private async Task<StripeOutcome> SendWithRetriesAsync(Due due, CancellationToken ct)
    {
        var attempts = Math.Max(1, options.Value.TransientAttempts);
        StripeOutcome outcome = new(null, StripeOutcomeKind.Unknown, "not sent");
        for (var attempt = 1; attempt <= attempts; attempt++)
        {
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
