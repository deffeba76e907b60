using LabelPlatform.Common;
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
    private static readonly string WorkerBalancesSql = Sql.Named("Billing/Statements/BillingStatements.sql", "WorkerBalances");

    // What reached the worker's payable, per day, job and kind (earnings, bonuses, returned payouts).
    private static readonly string WorkerEarningsSql = Sql.Named("Billing/Statements/BillingStatements.sql", "WorkerEarnings");

    private static readonly string WorkerBonusesSql = Sql.Named("Billing/Statements/BillingStatements.sql", "WorkerBonuses");

    private static readonly string PayoutsSql = Sql.Named("Billing/Statements/BillingStatements.sql", "Payouts");

    private static readonly string PayoutAccountSql = Sql.Named("Billing/Statements/BillingStatements.sql", "PayoutAccount");

    // Per job: the escrow's balance, and what its earnings and bonuses cost, split into workers' pay and fees.
    private static readonly string JobsSql = Sql.Named("Billing/Statements/BillingStatements.sql", "Jobs");

    private static readonly string FundsSql = Sql.Named("Billing/Statements/BillingStatements.sql", "Funds");

    // The organisation's own account: every movement in or out of its funds.
    private static readonly string LinesSql = Sql.Named("Billing/Statements/BillingStatements.sql", "Lines");

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
