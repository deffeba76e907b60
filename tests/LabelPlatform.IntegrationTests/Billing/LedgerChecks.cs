using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>
/// What must hold of the whole ledger at any moment, read straight from the tables: each broken rule
/// is reported with the rows that break it.
/// </summary>
public static class LedgerChecks
{
    // Every currency's entries sum to zero: the trial balance.
    private const string TrialBalanceSql = "SELECT currency || ' ' || sum(amount) FROM ledger_entries GROUP BY currency HAVING sum(amount) <> 0";

    private const string NegativeSql = "SELECT kind || ' ' || owner || ' ' || balance FROM ledger_accounts WHERE balance < 0";

    // A tracked balance (the row the CHECK and the locks use) is the sum of its entries.
    private const string DriftSql = """
        SELECT a.kind || ' ' || a.owner || ': row ' || a.balance || ', entries ' || coalesce(e.total, 0)
        FROM ledger_accounts a LEFT JOIN (SELECT account_id, sum(amount) AS total FROM ledger_entries GROUP BY account_id) e ON e.account_id = a.id
        WHERE a.balance IS NOT NULL AND a.balance <> coalesce(e.total, 0)
        """;

    private const string UnbalancedSql = """
        SELECT t.kind || ' ' || t.idempotency_key || ' sums to ' || coalesce(sum(e.amount), 0) || ' over ' || count(e.id) || ' entries'
        FROM ledger_transactions t LEFT JOIN ledger_entries e ON e.transaction_id = t.id
        GROUP BY t.id HAVING coalesce(sum(e.amount), 0) <> 0 OR count(e.id) < 2
        """;

    // Money an organisation's movements carry always names the organisation.
    private const string UnattributedSql = """
        SELECT t.kind || ' ' || t.idempotency_key FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id JOIN ledger_accounts a ON a.id = e.account_id
        WHERE a.kind IN ('ResearcherFunds', 'JobEscrow') AND (t.organisation_id IS NULL OR (a.kind = 'ResearcherFunds' AND a.owner <> t.organisation_id::text))
        """;

    // Per organisation and currency: credited = funds + escrow + frozen by disputes + spent on work and bonuses − what the platform
    // covered + refunded to cards + lost to disputes.
    private const string OrganisationSql = """
        WITH m AS (
            SELECT t.organisation_id AS org, t.currency, t.kind, a.kind AS account_kind, e.amount
            FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id JOIN ledger_accounts a ON a.id = e.account_id
            WHERE t.organisation_id IS NOT NULL
        ), s AS (
            SELECT org, currency,
                coalesce(sum(amount) FILTER (WHERE kind IN ('Funding', 'ManualCredit') AND account_kind = 'ResearcherFunds'), 0) AS credited,
                coalesce(sum(amount) FILTER (WHERE account_kind = 'JobEscrow'), 0) AS escrow,
                coalesce(sum(amount) FILTER (WHERE kind IN ('Earning', 'Bonus') AND account_kind IN ('WorkerPayable', 'PlatformRevenue')), 0) AS spent,
                coalesce(sum(amount) FILTER (WHERE kind = 'PlatformCover' AND account_kind = 'JobEscrow'), 0) AS covered,
                coalesce(sum(amount) FILTER (WHERE account_kind = 'DisputeHold'), 0) AS hold,
                coalesce(sum(amount) FILTER (WHERE kind IN ('Refund', 'RefundFailed') AND account_kind = 'StripeClearing'), 0) AS refunded,
                coalesce(-sum(amount) FILTER (WHERE kind = 'DisputeLost' AND account_kind = 'DisputeHold'), 0) AS lost
            FROM m GROUP BY org, currency
        )
        SELECT format('organisation %s in %s: credited %s <> funds %s + escrow %s + hold %s + spent %s - covered %s + refunded %s + lost %s',
            s.org, s.currency, credited, f.balance, escrow, hold, spent, covered, refunded, lost)
        FROM s LEFT JOIN ledger_accounts f ON f.id = md5('ResearcherFunds:' || s.org::text || ':' || s.currency)::uuid
        WHERE credited <> coalesce(f.balance, 0) + escrow + hold + spent - covered + refunded + lost
        """;

    // Per worker and currency: earned + reversed back = payable + in transit + sent to Stripe.
    private const string WorkerSql = """
        WITH m AS (
            -- An earning transaction pays a batch of workers: its payable lines name the worker by their account.
            SELECT CASE WHEN a.kind = 'WorkerPayable' THEN a.owner ELSE t.worker_id END AS w, t.currency, t.kind, a.kind AS account_kind, e.amount
            FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_id = t.id JOIN ledger_accounts a ON a.id = e.account_id
            WHERE t.worker_id IS NOT NULL OR a.kind = 'WorkerPayable'
        ), s AS (
            SELECT w, currency,
                coalesce(sum(amount) FILTER (WHERE kind IN ('Earning', 'Bonus') AND account_kind = 'WorkerPayable'), 0) AS earned,
                coalesce(sum(amount) FILTER (WHERE kind = 'PayoutSent' AND account_kind = 'StripeClearing'), 0) AS sent,
                coalesce(-sum(amount) FILTER (WHERE kind = 'PayoutReversed' AND account_kind = 'StripeClearing'), 0) AS reversed
            FROM m GROUP BY w, currency
        )
        SELECT format('worker %s in %s: earned %s + reversed %s <> payable %s + in transit %s + sent %s', w, s.currency, earned, reversed, coalesce(p.balance, 0), coalesce(i.balance, 0), sent)
        FROM s
        LEFT JOIN ledger_accounts p ON p.id = md5('WorkerPayable:' || w || ':' || s.currency)::uuid
        LEFT JOIN ledger_accounts i ON i.id = md5('PayoutsInTransit:' || w || ':' || s.currency)::uuid
        WHERE earned + reversed <> coalesce(p.balance, 0) + coalesce(i.balance, 0) + sent
        """;

    // A payout's money: Pending ones are in transit, Paid ones were sent, Failed ones came back.
    private const string PayoutSql = """
        SELECT format('payout %s (%s, %s): started %s, sent %s, failed %s', p.id, p.status, p.amount,
            coalesce(sum(e.amount) FILTER (WHERE t.kind = 'PayoutStarted' AND e.amount > 0), 0),
            coalesce(sum(e.amount) FILTER (WHERE t.kind = 'PayoutSent' AND e.amount > 0), 0),
            coalesce(sum(e.amount) FILTER (WHERE t.kind = 'PayoutFailed' AND e.amount > 0), 0))
        FROM payouts p LEFT JOIN ledger_transactions t ON t.payout_id = p.id LEFT JOIN ledger_entries e ON e.transaction_id = t.id
        GROUP BY p.id
        HAVING coalesce(sum(e.amount) FILTER (WHERE t.kind = 'PayoutStarted' AND e.amount > 0), 0) <> p.amount
            OR coalesce(sum(e.amount) FILTER (WHERE t.kind = 'PayoutSent' AND e.amount > 0), 0) <> CASE WHEN p.status IN ('Paid', 'Reversed') THEN p.amount ELSE 0 END
            OR coalesce(sum(e.amount) FILTER (WHERE t.kind = 'PayoutFailed' AND e.amount > 0), 0) <> CASE WHEN p.status = 'Failed' THEN p.amount ELSE 0 END
        """;

    // Each earning transaction pays exactly the answers linked to it: per worker, the payable line is the sum of
    // their linked prices; the escrow line is minus every linked price and fee; and a link names an earning.
    private const string EarningLinksSql = """
        WITH links AS (
            SELECT l.transaction_id, t.currency, l.worker_id, sum(l.amount) AS amount, sum(l.fee) AS fee
            FROM ledger_earnings l JOIN ledger_transactions t ON t.id = l.transaction_id AND t.kind = 'Earning'
            GROUP BY l.transaction_id, t.currency, l.worker_id
        ), lines AS (
            SELECT e.transaction_id, a.owner AS worker_id, e.amount FROM ledger_entries e
            JOIN ledger_transactions t ON t.id = e.transaction_id AND t.kind = 'Earning'
            JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = 'WorkerPayable'
        ), escrow AS (
            SELECT e.transaction_id, -e.amount AS amount FROM ledger_entries e
            JOIN ledger_transactions t ON t.id = e.transaction_id AND t.kind = 'Earning'
            JOIN ledger_accounts a ON a.id = e.account_id AND a.kind = 'JobEscrow'
        )
        SELECT format('earning %s, worker %s: linked %s, paid %s', coalesce(k.transaction_id, p.transaction_id), coalesce(k.worker_id, p.worker_id), k.amount, p.amount)
        FROM links k FULL JOIN lines p ON p.transaction_id = k.transaction_id AND p.worker_id = k.worker_id
        WHERE coalesce(k.amount, 0) <> coalesce(p.amount, 0)
        UNION ALL
        SELECT format('earning %s: linked %s with fees, escrow paid %s', x.transaction_id, (SELECT sum(amount + fee) FROM ledger_earnings l WHERE l.transaction_id = x.transaction_id), x.amount)
        FROM escrow x WHERE x.amount <> coalesce((SELECT sum(amount + fee) FROM ledger_earnings l WHERE l.transaction_id = x.transaction_id), 0)
        UNION ALL
        SELECT format('link of %s names %s, not an earning', l.assignment_id, l.transaction_id) FROM ledger_earnings l
        WHERE NOT EXISTS (SELECT 1 FROM ledger_transactions t WHERE t.id = l.transaction_id AND t.kind = 'Earning')
        """;

    private static readonly (string Rule, string Sql)[] Rules =
    [
        ("the trial balance is zero", TrialBalanceSql),
        ("no tracked balance is negative", NegativeSql),
        ("each tracked balance is the sum of its entries", DriftSql),
        ("each transaction balances", UnbalancedSql),
        ("organisation money names its organisation", UnattributedSql),
        ("each organisation's money is conserved", OrganisationSql),
        ("each worker's money is conserved", WorkerSql),
        ("each earning pays exactly its linked answers", EarningLinksSql),
        ("each payout's money is where its status says", PayoutSql),
    ];

    /// <summary>The broken rules, each with up to five offending rows; empty when the ledger is sound.</summary>
    public static async Task<List<string>> BrokenAsync(LabelPlatformFactory factory)
    {
        var broken = new List<string>();
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        foreach (var (rule, sql) in Rules)
        {
            var rows = new List<string>();
            await using var command = new NpgsqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            if (rows.Count > 0)
            {
                broken.Add($"{rule}: {string.Join("; ", rows.Take(5))}{(rows.Count > 5 ? $" (and {rows.Count - 5} more)" : "")}");
            }
        }

        return broken;
    }

    public static async Task AssertSoundAsync(LabelPlatformFactory factory)
    {
        var broken = await BrokenAsync(factory);
        Assert.True(broken.Count == 0, "The ledger broke its rules:\n" + string.Join("\n", broken));
    }
}
