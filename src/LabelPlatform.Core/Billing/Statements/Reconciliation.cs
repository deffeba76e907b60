using LabelPlatform.Billing.Stripe;
using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Statements;

public sealed record ReconciliationDifference(string Kind, string? TransferId, Guid? PayoutId, string Currency, long LedgerAmount, long StripeAmount, string Explanation);

/// <summary>One currency's figures: amounts in different currencies are never added together.</summary>
/// <param name="TrialBalance">What all of the ledger's entries in this currency sum to; zero when it adds up.</param>
/// <param name="LedgerSent">Payouts the ledger records as sent in the window, less reversals.</param>
/// <param name="StripeSent">Stripe's transfers in the window, less reversals.</param>
public sealed record CurrencyTotals(string Currency, long TrialBalance, long LedgerSent, long StripeSent);

public sealed record ReconciliationReport(
    DateTimeOffset Since,
    int LedgerPayouts,
    int StripeTransfers,
    IReadOnlyList<CurrencyTotals> Currencies,
    int BalanceMismatches,
    IReadOnlyList<ReconciliationDifference> Differences)
{
    public bool Clean => Currencies.All(c => c.TrialBalance == 0) && BalanceMismatches == 0 && Differences.Count == 0;
}

/// <summary>
/// The admin's check of the ledger against itself (every entry sums to zero; each kept balance equals
/// the sum of its entries) and against Stripe (each payout we recorded as sent is a transfer Stripe
/// has, for the same amount and reversal, and Stripe has no transfer we did not record).
/// </summary>
public sealed class Reconciliation(NpgsqlDataSource dataSource, IStripeGateway stripe, TimeProvider clock)
{
    private static readonly string TrialSql = Sql.Named("Billing/Statements/Reconciliation.sql", "Trial");

    private static readonly string MismatchSql = Sql.Named("Billing/Statements/Reconciliation.sql", "Mismatch");

    private static readonly string PayoutsSql = Sql.Named("Billing/Statements/Reconciliation.sql", "Payouts");

    public async Task<ReconciliationReport> RunAsync(TimeSpan window, CancellationToken ct = default)
    {
        var since = clock.GetUtcNow() - window;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var trial = await BillingStatements.ReadAsync(connection, TrialSql, r => (Currency: r.GetString(0), Sum: r.GetInt64(1)), ct);
        var mismatches = (await BillingStatements.ReadAsync(connection, MismatchSql, r => r.GetInt32(0), ct))[0];
        var payouts = await BillingStatements.ReadAsync(connection, PayoutsSql, r => (
            Id: r.GetGuid(0), TransferId: r.IsDBNull(1) ? null : r.GetString(1), Amount: r.GetInt64(2), Reversed: r.GetInt64(3), Status: r.GetString(4), Currency: r.GetString(5)), ct, since);

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
                    differences.Add(new("sent_not_recorded", made.Id, p.Id, p.Currency, 0, made.Amount,
                        "Stripe made this transfer but the ledger still has the payout pending (a run stopped after Stripe answered); the next settlement run records it."));
                }

                continue;
            }

            seen.Add(p.TransferId);
            if (!transfers.TryGetValue(p.TransferId, out var t))
            {
                differences.Add(new("missing_at_stripe", p.TransferId, p.Id, p.Currency, p.Amount, 0, "The ledger records this transfer as sent; Stripe does not list it."));
            }
            else if (!string.Equals(t.Currency, p.Currency, StringComparison.OrdinalIgnoreCase))
            {
                differences.Add(new("currency", t.Id, p.Id, p.Currency, p.Amount, t.Amount, $"The ledger's payout is in {p.Currency}, Stripe's transfer in {t.Currency}."));
            }
            else if (t.Amount != p.Amount)
            {
                differences.Add(new("amount", t.Id, p.Id, p.Currency, p.Amount, t.Amount, "The amounts differ."));
            }
            else if (t.AmountReversed != p.Reversed)
            {
                differences.Add(new("reversal", t.Id, p.Id, p.Currency, p.Reversed, t.AmountReversed, "Stripe's reversed amount differs from the ledger's; a transfer.reversed event may not have arrived yet."));
            }
        }

        foreach (var t in transfers.Values.Where(t => !seen.Contains(t.Id) && t.Created >= since))
        {
            differences.Add(new("unknown_transfer", t.Id, Guid.TryParse(t.PayoutId, out var id) ? id : null, t.Currency, 0, t.Amount, "Stripe has a transfer no payout of ours records."));
        }

        var recorded = payouts.Where(p => p.TransferId is not null).GroupBy(p => p.Currency.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.Sum(p => p.Amount - p.Reversed));
        var atStripe = transfers.Values.Where(t => t.Created >= since).GroupBy(t => t.Currency.ToUpperInvariant()).ToDictionary(g => g.Key, g => g.Sum(t => t.Amount - t.AmountReversed));
        var trials = trial.ToDictionary(t => t.Currency.ToUpperInvariant(), t => t.Sum);
        var currencies = trials.Keys.Union(recorded.Keys).Union(atStripe.Keys).Order(StringComparer.Ordinal)
            .Select(c => new CurrencyTotals(c, trials.GetValueOrDefault(c), recorded.GetValueOrDefault(c), atStripe.GetValueOrDefault(c)))
            .ToList();
        return new ReconciliationReport(since, payouts.Count, transfers.Count, currencies, mismatches, differences);
    }
}
