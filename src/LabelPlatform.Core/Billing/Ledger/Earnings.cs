using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Ledger;

/// <summary>
/// Pays accepted answers, inside the transaction that accepts them: for each, the job's price goes
/// from its escrow to the worker's payable and the fee to revenue, keyed by the assignment so an
/// answer is paid once however often it is accepted. Gold answers can outrun the budget reserved
/// at launch: the shortfall is taken from the organisation's funds, and what funds cannot cover the
/// platform pays (the escrow sweep then pauses the job). Rejected answers are never passed here.
/// </summary>
internal static class Earnings
{
    // $1 assignment ids. The answers not paid yet, with what they cost, per job.
    private const string NeedSql = """
        SELECT a.job_id, j.organisation_id, j.currency, sum(j.price_per_answer + j.fee_per_answer)::bigint
        FROM assignments a JOIN jobs j ON j.id = a.job_id
        WHERE a.id = ANY($1) AND j.price_per_answer + j.fee_per_answer > 0
          AND NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.idempotency_key = 'earning:' || a.id::text)
        GROUP BY a.job_id, j.organisation_id, j.currency
        ORDER BY a.job_id
        """;

    // $1 assignment ids. Their jobs' escrow accounts, locked: a job's answers are paid one batch after another.
    private const string LockEscrowSql = $"""
        SELECT id, balance FROM ledger_accounts
        WHERE id IN (SELECT md5('JobEscrow:' || a.job_id::text || ':' || j.currency)::uuid FROM assignments a JOIN jobs j ON j.id = a.job_id
                     WHERE a.id = ANY($1) AND j.price_per_answer + j.fee_per_answer > 0)
        ORDER BY {LedgerWriter.LockOrder}
        FOR UPDATE
        """;

    // $1 assignment ids, $2 now. Payable and revenue accounts exist first, then the payables are locked in order.
    private const string LockPayablesSql = $"""
        WITH wanted AS (
            SELECT DISTINCT md5('WorkerPayable:' || a.worker_id || ':' || j.currency)::uuid AS id, 'WorkerPayable' AS kind, a.worker_id AS owner, j.currency, 0::bigint AS balance
            FROM assignments a JOIN jobs j ON j.id = a.job_id WHERE a.id = ANY($1)
            UNION
            SELECT DISTINCT md5('PlatformRevenue::' || j.currency)::uuid, 'PlatformRevenue', '', j.currency, NULL::bigint
            FROM assignments a JOIN jobs j ON j.id = a.job_id WHERE a.id = ANY($1)
        ), created AS (
            INSERT INTO ledger_accounts (id, kind, owner, currency, balance, created_at)
            SELECT id, kind, owner, currency, balance, $2 FROM wanted ON CONFLICT DO NOTHING
        )
        SELECT count(*) FROM (
            SELECT 1 FROM ledger_accounts WHERE id IN (SELECT id FROM wanted WHERE kind = 'WorkerPayable') ORDER BY {LedgerWriter.LockOrder} FOR UPDATE
        ) locked
        """;

    // $1 assignment ids, $2 now. One ledger transaction of up to three entries per answer.
    private const string PostSql = """
        WITH accepted AS (
            SELECT a.id, a.worker_id, a.job_id, j.organisation_id, j.currency, j.price_per_answer AS price, j.fee_per_answer AS fee
            FROM assignments a JOIN jobs j ON j.id = a.job_id
            WHERE a.id = ANY($1) AND j.price_per_answer + j.fee_per_answer > 0
        ), txs AS (
            INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, job_id, worker_id, assignment_id, memo, created_at)
            SELECT gen_random_uuid(), 'earning:' || id::text, 'Earning', currency, organisation_id, job_id, worker_id, id, '', $2 FROM accepted
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING id, assignment_id
        )
        INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
        SELECT t.id, e.account, e.amount, x.currency
        FROM txs t JOIN accepted x ON x.id = t.assignment_id
        CROSS JOIN LATERAL (VALUES
            (md5('JobEscrow:' || x.job_id::text || ':' || x.currency)::uuid, -(x.price + x.fee)),
            (md5('WorkerPayable:' || x.worker_id || ':' || x.currency)::uuid, x.price),
            (md5('PlatformRevenue::' || x.currency)::uuid, x.fee)) AS e(account, amount)
        WHERE e.amount <> 0
        """;

    private sealed record Need(Guid JobId, Guid OrganisationId, string Currency, long Cost);

    /// <summary>
    /// Pays the answers among <paramref name="assignmentIds"/> not paid before, in two round trips when the
    /// escrow holds enough; with <paramref name="commit"/> the second one also commits. Returns the entries written.
    /// </summary>
    public static async Task<int> PostAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<Guid> assignmentIds, DateTimeOffset now, CancellationToken ct, bool commit = false)
    {
        var ids = assignmentIds.ToArray();
        var needs = new List<Need>();
        var escrows = new Dictionary<Guid, long>();
        if (ids.Length > 0)
        {
            await using var read = new NpgsqlBatch(connection, tx);
            read.BatchCommands.Add(Sql.BatchCommand(NeedSql, ids));
            read.BatchCommands.Add(Sql.BatchCommand(LockEscrowSql, ids));
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                needs.Add(new Need(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3)));
            }

            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                escrows[reader.GetGuid(0)] = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
            }
        }

        foreach (var need in needs)
        {
            var shortfall = need.Cost - escrows.GetValueOrDefault(LedgerAccount.Escrow(need.JobId, need.Currency));
            if (shortfall > 0)
            {
                await CoverAsync(connection, tx, need, shortfall, now, ct);
            }
        }

        await using var write = new NpgsqlBatch(connection, tx);
        if (needs.Count > 0)
        {
            write.BatchCommands.Add(Sql.BatchCommand(LockPayablesSql, ids, now));
            write.BatchCommands.Add(Sql.BatchCommand(PostSql, ids, now));
        }

        if (commit)
        {
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        }

        if (write.BatchCommands.Count == 0)
        {
            return 0;
        }

        await using var result = await write.ExecuteReaderAsync(ct);
        var entries = 0;
        do
        {
            entries = Math.Max(entries, result.RecordsAffected);
        }
        while (await result.NextResultAsync(ct));
        return needs.Count > 0 ? entries : 0;
    }

    private static async Task CoverAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Need need, long shortfall, DateTimeOffset now, CancellationToken ct)
    {
        // Escrow before funds, as every path locks them, even when this job's escrow does not exist yet.
        var locked = await LedgerWriter.EnsureAndLockAsync(connection, tx, need.Currency,
            [(LedgerAccountKind.JobEscrow, need.JobId.ToString()), (LedgerAccountKind.ResearcherFunds, need.OrganisationId.ToString())], now, ct);
        var funds = locked.GetValueOrDefault(LedgerAccount.Funds(need.OrganisationId, need.Currency));
        var fromFunds = Math.Min(shortfall, funds);
        var key = Guid.NewGuid();
        if (fromFunds > 0)
        {
            await LedgerWriter.PostAsync(connection, tx,
                Postings.Escrow($"topup:{need.JobId}:{key}", need.OrganisationId, need.JobId, need.Currency, fromFunds, "Topped up to pay accepted answers"), now, ct);
        }

        if (shortfall > fromFunds)
        {
            await LedgerWriter.PostAsync(connection, tx,
                Postings.PlatformCover($"cover:{need.JobId}:{key}", need.OrganisationId, need.JobId, need.Currency, shortfall - fromFunds), now, ct);
        }
    }
}
