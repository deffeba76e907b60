using Npgsql;

namespace LabelPlatform.Bench.Queue;

/// <summary>
/// Exactly-once checks after the load runs. double_assigned (must be 0) = (item, worker) pairs with
/// more than one assignment + items with more submitted answers than the job asks for.
/// slot_mismatch and open_leases are reported beside it: slots lost or leases left behind.
/// paid_exactly_once (must be 1): every accepted answer in the running jobs paid once and nothing
/// else paid, each worker's payable balance exactly their accepted answers × the price, every
/// account's balance the sum of its entries, and all entries summing to zero (the trial balance).
/// </summary>
public static class QueueChecks
{
    public static async Task RunAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT
              (SELECT count(*) FROM (
                 SELECT 1 FROM assignments GROUP BY item_id, worker_id HAVING count(*) > 1) d),
              (SELECT count(*) FROM (
                 SELECT 1 FROM assignments a JOIN jobs j ON j.id = a.job_id JOIN items i ON i.id = a.item_id
                 WHERE a.status = 'Submitted' AND i.gold_answer IS NULL
                 GROUP BY a.item_id, j.answers_per_item HAVING count(*) > j.answers_per_item) o),
              -- Gold items take no slot (every worker may get one once): only real items are counted.
              (SELECT count(*) FROM items i JOIN jobs j ON j.id = i.job_id
                 LEFT JOIN (SELECT a.item_id, count(*) AS n FROM assignments a JOIN jobs aj ON aj.id = a.job_id
                            WHERE aj.status IN ('Running', 'Paused') AND a.status IN ('Leased', 'Submitted')
                            GROUP BY a.item_id) a ON a.item_id = i.id
               WHERE j.status IN ('Running', 'Paused') AND i.gold_answer IS NULL AND i.remaining_slots + coalesce(a.n, 0) <> j.answers_per_item),
              (SELECT count(*) FROM assignments WHERE status = 'Leased'),
              (SELECT count(*) FROM assignments a JOIN jobs j ON j.id = a.job_id
               WHERE a.status = 'Submitted' AND j.status <> 'Completed')
            """, connection)
        { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var pairs = reader.GetInt64(0);
        var overAnswered = reader.GetInt64(1);
        var slotMismatch = reader.GetInt64(2);
        var openLeases = reader.GetInt64(3);
        var answered = reader.GetInt64(4);
        Console.WriteLine($"check: {answered:N0} answers in running jobs; duplicate (item, worker) pairs {pairs}, " +
            $"over-answered items {overAnswered}, items whose slots do not add up {slotMismatch}, leases still open {openLeases}");
        await reader.DisposeAsync();
        var paid = await PaidAsync(connection);
        Measure.Print("check", ("double_assigned", pairs + overAnswered), ("duplicate_pairs", pairs),
            ("over_answered", overAnswered), ("slot_mismatch", slotMismatch), ("open_leases", openLeases), ("answers", answered),
            ("paid_exactly_once", paid.ExactlyOnce ? 1 : 0), ("accepted", paid.Accepted), ("unpaid", paid.Unpaid), ("paid_twice", paid.Twice),
            ("paid_wrongly", paid.Wrongly), ("payables_off", paid.PayablesOff), ("balances_off", paid.BalancesOff), ("trial_balance", paid.TrialBalance));
    }

    private sealed record Paid(long Accepted, long Unpaid, long Twice, long Wrongly, long PayablesOff, long BalancesOff, long TrialBalance)
    {
        public bool ExactlyOnce => Accepted > 0 && Unpaid == 0 && Twice == 0 && Wrongly == 0 && PayablesOff == 0 && BalancesOff == 0 && TrialBalance == 0;
    }

    private static async Task<Paid> PaidAsync(NpgsqlConnection connection)
    {
        // The answers the ledger says it paid: one link row per answer paid (ADR 0019), or, before
        // it, one Earning transaction per answer.
        await using (var probe = new NpgsqlCommand("SELECT to_regclass('ledger_earnings') IS NOT NULL", connection))
        {
            var links = (bool)(await probe.ExecuteScalarAsync())!;
            var paidSql = links
                ? "SELECT assignment_id FROM ledger_earnings"
                : "SELECT assignment_id FROM ledger_transactions WHERE kind = 'Earning'";
            await using var command = new NpgsqlCommand($"""
                WITH paid AS ({paidSql}),
                accepted AS (
                    SELECT a.id, a.worker_id, j.price_per_answer AS price FROM assignments a JOIN jobs j ON j.id = a.job_id
                    WHERE j.status <> 'Completed' AND a.status = 'Submitted' AND coalesce(a.review_state, 'Accepted') IN ('Accepted', 'Approved')
                ), per_answer AS (
                    SELECT a.id, count(p.assignment_id) AS n FROM accepted a LEFT JOIN paid p ON p.assignment_id = a.id GROUP BY a.id
                ), owed AS (
                    SELECT worker_id, sum(price)::bigint AS amount FROM accepted GROUP BY worker_id
                ), payable AS (
                    SELECT owner AS worker_id, balance FROM ledger_accounts WHERE kind = 'WorkerPayable' AND currency = 'USD'
                )
                SELECT (SELECT count(*) FROM accepted),
                       (SELECT count(*) FROM per_answer WHERE n = 0),
                       (SELECT count(*) FROM per_answer WHERE n > 1),
                       (SELECT count(*) FROM paid p WHERE NOT EXISTS (SELECT 1 FROM accepted a WHERE a.id = p.assignment_id)),
                       (SELECT count(*) FROM owed o FULL JOIN payable p ON p.worker_id = o.worker_id
                        WHERE coalesce(o.amount, 0) <> coalesce(p.balance, 0)),
                       (SELECT count(*) FROM ledger_accounts a WHERE a.balance IS NOT NULL
                          AND a.balance <> coalesce((SELECT sum(e.amount) FROM ledger_entries e WHERE e.account_id = a.id), 0)),
                       (SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries)
                """, connection)
            { CommandTimeout = 0 };
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            var paid = new Paid(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetInt64(6));
            Console.WriteLine($"paid exactly once: {(paid.ExactlyOnce ? "yes" : "NO")}: {paid.Accepted:N0} accepted answers, unpaid {paid.Unpaid}, paid twice {paid.Twice}, " +
                $"paid but not accepted {paid.Wrongly}, workers whose payable differs from their answers x price {paid.PayablesOff}, " +
                $"accounts whose balance differs from their entries {paid.BalancesOff}, trial balance {paid.TrialBalance}");
            return paid;
        }
    }
}
