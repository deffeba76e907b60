using LabelPlatform.Billing.Stripe;
using Npgsql;

namespace LabelPlatform.Billing.Statements;

public sealed record ReconciliationDifference(string Kind, string? TransferId, Guid? PayoutId, long LedgerAmount, long StripeAmount, string Explanation);

public sealed record ReconciliationReport(
    DateTimeOffset Since,
    int LedgerPayouts,
    int StripeTransfers,
    long TrialBalance,
    int BalanceMismatches,
    IReadOnlyList<ReconciliationDifference> Differences)
{
    public bool Clean => TrialBalance == 0 && BalanceMismatches == 0 && Differences.Count == 0;
}

/// <summary>
/// The admin's check of the ledger against itself (every entry sums to zero; each kept balance equals
/// the sum of its entries) and against Stripe (each payout we recorded as sent is a transfer Stripe
/// has, for the same amount and reversal, and Stripe has no transfer we did not record).
/// </summary>
public sealed class Reconciliation(NpgsqlDataSource dataSource, IStripeGateway stripe, TimeProvider clock)
{
    private const string TrialSql = "SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries";

    private const string MismatchSql = """
        SELECT count(*)::int FROM ledger_accounts a
        WHERE a.balance IS NOT NULL AND a.balance <> (SELECT coalesce(sum(e.amount), 0) FROM ledger_entries e WHERE e.account_id = a.id)
        """;

    private const string PayoutsSql = """
        SELECT id, stripe_transfer_id, amount, amount_reversed, status FROM payouts
        WHERE created_at >= $1 AND status <> 'Failed'
        """;

    public async Task<ReconciliationReport> RunAsync(TimeSpan window, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow() - window;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var trial = (await BillingStatements.ReadAsync(connection, TrialSql, r => r.GetInt64(0), ct))[0];
        var mismatches = (await BillingStatements.ReadAsync(connection, MismatchSql, r => r.GetInt32(0), ct))[0];
        var payouts = await BillingStatements.ReadAsync(connection, PayoutsSql, r => (
            Id: r.GetGuid(0), TransferId: r.IsDBNull(1) ? null : r.GetString(1), Amount: r.GetInt64(2), Reversed: r.GetInt64(3), Status: r.GetString(4)), ct, since);

        var transfers = new Dictionary<string, StripeTransfer>();
        await foreach (var transfer in stripe.ListTransfersAsync(since.AddHours(-1), ct))
        {
            transfers[transfer.Id] = transfer;
        }

        var differences = new List<ReconciliationDifference>();
        var seen = new HashSet<string>();
        foreach (var p in payouts)
        {
            if (p.TransferId is null)
            {
                var made = transfers.Values.FirstOrDefault(t => t.PayoutId == p.Id.ToString());
                if (made is not null)
                {
                    seen.Add(made.Id);
                    differences.Add(new("sent_not_recorded", made.Id, p.Id, 0, made.Amount,
                        "Stripe made this transfer but the ledger still has the payout pending (a run stopped after Stripe answered); the next settlement run records it."));
                }

                continue;
            }

            seen.Add(p.TransferId);
            if (!transfers.TryGetValue(p.TransferId, out var t))
            {
                differences.Add(new("missing_at_stripe", p.TransferId, p.Id, p.Amount, 0, "The ledger records this transfer as sent; Stripe does not list it."));
            }
            else if (t.Amount != p.Amount)
            {
                differences.Add(new("amount", t.Id, p.Id, p.Amount, t.Amount, "The amounts differ."));
            }
            else if (t.AmountReversed != p.Reversed)
            {
                differences.Add(new("reversal", t.Id, p.Id, p.Reversed, t.AmountReversed, "Stripe's reversed amount differs from the ledger's; a transfer.reversed event may not have arrived yet."));
            }
        }

        foreach (var t in transfers.Values.Where(t => !seen.Contains(t.Id) && t.Created >= since))
        {
            differences.Add(new("unknown_transfer", t.Id, Guid.TryParse(t.PayoutId, out var id) ? id : null, 0, t.Amount, "Stripe has a transfer no payout of ours records."));
        }

        return new ReconciliationReport(since, payouts.Count, transfers.Count, trial, mismatches, differences);
    }
}
