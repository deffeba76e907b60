using LabelPlatform.Common;
using LabelPlatform.Exports.Csv;
using Npgsql;

namespace LabelPlatform.Billing.Statements;

public sealed record WorkerBalance(string Currency, long Pending, long Available, long InTransit, long PaidOut);

public sealed record EarningLine(DateOnly Day, Guid? JobId, string JobName, string Kind, string Currency, int Answers, long Amount);

public sealed record PayoutLine(Guid Id, DateTimeOffset CreatedAt, string Currency, long Amount, long AmountReversed, string Status, string? TransferId, string? FailureReason);

/// <summary>A bonus a researcher paid, with the note they wrote to the worker.</summary>
public sealed record BonusLine(DateTimeOffset At, string JobName, string Currency, long Amount, string Note);

public sealed record WorkerStatement(IReadOnlyList<WorkerBalance> Balances, IReadOnlyList<EarningLine> Earnings, IReadOnlyList<PayoutLine> Payouts, bool PayoutAccountConnected, bool PayoutsEnabled, string Requirements)
{
    public IReadOnlyList<BonusLine> Bonuses { get; init; } = [];
}

public sealed record OrganisationBalance(string Currency, long Available, long Funded, long Escrowed, long Spent, long Fees, long Refunded);

public sealed record JobSpend(Guid JobId, string JobName, string Currency, long Escrowed, long Spent, long Fees, long Refunded);

public sealed record LedgerLine(DateTimeOffset At, string Kind, string Currency, long Amount, string? JobName, string Memo);

public sealed record OrganisationStatement(IReadOnlyList<OrganisationBalance> Balances, IReadOnlyList<JobSpend> Jobs, IReadOnlyList<LedgerLine> Lines);

/// <summary>What workers and researchers see of their money, read from the ledger.</summary>
public sealed class BillingStatements(NpgsqlDataSource dataSource)
{
    private const string WorkerBalancesSql = """
        WITH pending AS (
            SELECT j.currency, sum(j.price_per_answer)::bigint AS amount FROM assignments a JOIN jobs j ON j.id = a.job_id
            WHERE a.worker_id = $1 AND a.status = 'Submitted' AND a.review_state IN ('Pending', 'NeedsReview', 'Disputed')
            GROUP BY j.currency
        ), accounts AS (
            SELECT currency,
                   sum(balance) FILTER (WHERE kind = 'WorkerPayable')::bigint AS available,
                   sum(balance) FILTER (WHERE kind = 'PayoutsInTransit')::bigint AS transit
            FROM ledger_accounts WHERE owner = $1 AND kind IN ('WorkerPayable', 'PayoutsInTransit') GROUP BY currency
        ), paid AS (
            SELECT currency, sum(amount - amount_reversed)::bigint AS amount FROM payouts WHERE worker_id = $1 AND status IN ('Paid', 'Reversed') GROUP BY currency
        )
        SELECT c.currency, coalesce(p.amount, 0), coalesce(a.available, 0), coalesce(a.transit, 0), coalesce(d.amount, 0)
        FROM (SELECT currency FROM pending UNION SELECT currency FROM accounts UNION SELECT currency FROM paid) c
        LEFT JOIN pending p ON p.currency = c.currency LEFT JOIN accounts a ON a.currency = c.currency LEFT JOIN paid d ON d.currency = c.currency
        ORDER BY c.currency
        """;

    // What reached the worker's payable, per day, job and kind (earnings, bonuses, returned payouts).
    private const string WorkerEarningsSql = """
        SELECT (t.created_at AT TIME ZONE 'UTC')::date, t.job_id, coalesce(j.name, ''), t.kind, t.currency, count(*)::int, sum(e.amount)::bigint
        FROM ledger_transactions t
        JOIN ledger_entries e ON e.transaction_id = t.id AND e.account_id = md5('WorkerPayable:' || $1 || ':' || t.currency)::uuid
        LEFT JOIN jobs j ON j.id = t.job_id
        WHERE t.worker_id = $1 AND t.kind IN ('Earning', 'Bonus')
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1 DESC, 3
        LIMIT 500
        """;

    private const string WorkerBonusesSql = """
        SELECT t.created_at, coalesce(j.name, ''), t.currency, e.amount, t.memo
        FROM ledger_transactions t
        JOIN ledger_entries e ON e.transaction_id = t.id AND e.account_id = md5('WorkerPayable:' || $1 || ':' || t.currency)::uuid
        LEFT JOIN jobs j ON j.id = t.job_id
        WHERE t.worker_id = $1 AND t.kind = 'Bonus'
        ORDER BY t.created_at DESC
        LIMIT 50
        """;

    private const string PayoutsSql = """
        SELECT id, created_at, currency, amount, amount_reversed, status, stripe_transfer_id, failure_reason
        FROM payouts WHERE worker_id = $1 ORDER BY created_at DESC LIMIT 100
        """;

    private const string PayoutAccountSql = "SELECT payouts_enabled, requirements FROM payout_accounts WHERE worker_id = $1";

    // Per job: the escrow's balance, and what its earnings and bonuses cost, split into workers' pay and fees.
    private const string JobsSql = """
        SELECT j.id, j.name, j.currency,
               coalesce((SELECT balance FROM ledger_accounts WHERE id = md5('JobEscrow:' || j.id::text || ':' || j.currency)::uuid), 0),
               coalesce(sum(e.amount) FILTER (WHERE a.kind = 'WorkerPayable'), 0)::bigint,
               coalesce(sum(e.amount) FILTER (WHERE a.kind = 'PlatformRevenue'), 0)::bigint,
               coalesce((SELECT sum(e2.amount) FROM ledger_transactions t2 JOIN ledger_entries e2 ON e2.transaction_id = t2.id
                         WHERE t2.job_id = j.id AND t2.kind = 'EscrowRelease' AND e2.amount > 0), 0)::bigint
        FROM jobs j
        LEFT JOIN ledger_transactions t ON t.job_id = j.id AND t.kind IN ('Earning', 'Bonus')
        LEFT JOIN ledger_entries e ON e.transaction_id = t.id
        LEFT JOIN ledger_accounts a ON a.id = e.account_id
        WHERE j.organisation_id = $1 AND j.launched_at IS NOT NULL
        GROUP BY j.id, j.name, j.currency
        ORDER BY max(j.launched_at) DESC
        """;

    private const string FundsSql = """
        SELECT a.currency, a.balance,
               coalesce((SELECT sum(e.amount) FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id
                         WHERE e.account_id = a.id AND t.kind IN ('Funding', 'ManualCredit')), 0)::bigint
        FROM ledger_accounts a WHERE a.kind = 'ResearcherFunds' AND a.owner = $1
        """;

    // The organisation's own account: every movement in or out of its funds.
    private const string LinesSql = """
        SELECT t.created_at, t.kind, t.currency, e.amount, j.name, t.memo
        FROM ledger_entries e JOIN ledger_transactions t ON t.id = e.transaction_id LEFT JOIN jobs j ON j.id = t.job_id
        WHERE e.account_id IN (SELECT id FROM ledger_accounts WHERE kind = 'ResearcherFunds' AND owner = $1)
        ORDER BY t.created_at DESC, e.id DESC
        LIMIT $2
        """;

    public async Task<WorkerStatement> ForWorkerAsync(string workerId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var balances = await ReadAsync(connection, WorkerBalancesSql, r => new WorkerBalance(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)), ct, workerId);
        var earnings = await ReadAsync(connection, WorkerEarningsSql, r => new EarningLine(
            DateOnly.FromDateTime(r.GetDateTime(0)), r.IsDBNull(1) ? null : r.GetGuid(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.GetInt64(6)), ct, workerId);
        var payouts = await ReadAsync(connection, PayoutsSql, r => new PayoutLine(
            r.GetGuid(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetString(5),
            r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7)), ct, workerId);
        var bonuses = await ReadAsync(connection, WorkerBonusesSql, r => new BonusLine(
            r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetString(4)), ct, workerId);
        var account = await ReadAsync(connection, PayoutAccountSql, r => (Enabled: r.GetBoolean(0), Requirements: r.GetString(1)), ct, workerId);
        return new WorkerStatement(balances, earnings, payouts, account.Count > 0, account.Count > 0 && account[0].Enabled, account.Count > 0 ? account[0].Requirements : "")
        {
            Bonuses = bonuses,
        };
    }

    public async Task<OrganisationStatement> ForOrganisationAsync(Guid organisationId, int lines = 200, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var jobs = await ReadAsync(connection, JobsSql, r => new JobSpend(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6)), ct, organisationId);
        var funds = await ReadAsync(connection, FundsSql, r => (Currency: r.GetString(0), Available: r.GetInt64(1), Funded: r.GetInt64(2)), ct, organisationId.ToString());
        var currencies = funds.Select(f => f.Currency).Union(jobs.Select(j => j.Currency)).Order();
        var balances = currencies.Select(c =>
        {
            var f = funds.FirstOrDefault(x => x.Currency == c);
            var js = jobs.Where(j => j.Currency == c).ToList();
            return new OrganisationBalance(c, f.Available, f.Funded, js.Sum(j => j.Escrowed), js.Sum(j => j.Spent), js.Sum(j => j.Fees), js.Sum(j => j.Refunded));
        }).ToList();
        var ledger = await ReadAsync(connection, LinesSql, r => new LedgerLine(
            r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5)), ct, organisationId.ToString(), lines);
        return new OrganisationStatement(balances, jobs, ledger);
    }

    /// <summary>The organisation's funds account as CSV: one row per movement, amounts in minor units and formatted.</summary>
    public async Task<string> OrganisationCsvAsync(Guid organisationId, CancellationToken ct = default)
    {
        var statement = await ForOrganisationAsync(organisationId, 100_000, ct);
        var csv = new System.Text.StringBuilder("date,kind,job,amount_minor,currency,amount,memo\n");
        foreach (var line in statement.Lines.Reverse())
        {
            var at = line.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var amount = Jobs.MoneyFormat.Format(line.Amount, line.Currency).Split(' ')[0];
            csv.Append(CsvField.Line([at, line.Kind, line.JobName, line.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture), line.Currency, amount, line.Memo])).Append('\n');
        }

        return csv.ToString();
    }

    internal static async Task<List<T>> ReadAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object?[] values)
    {
        await using var command = Sql.Command(connection, null, sql, values);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}
