using LabelPlatform.Billing.Ledger;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Npgsql;

namespace LabelPlatform.Billing.Funding;

/// <summary>An admin credits an invoiced customer by hand; the reason is kept on the ledger transaction.</summary>
public sealed class CreditOrganisation(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly string OrganisationSql = Sql.Named("Billing/Funding/CreditOrganisation.sql", "Organisation");

    /// <param name="requestId">The form's id: a double-submitted form credits once.</param>
    public async Task<Result<PostOutcome>> HandleAsync(Guid organisationId, long amount, string currency, string reason, string adminId, Guid requestId, CancellationToken ct = default)
    {
        reason = reason.Trim();
        if (amount <= 0 || amount > AddFunds.Maximum)
        {
            return Error.Validation($"A credit is between 0.01 and {MoneyFormat.Format(AddFunds.Maximum, currency)}.");
        }

        if (reason.Length is < 3 or > 500)
        {
            return Error.Validation("Say why (an invoice number, a contract): between 3 and 500 characters.");
        }

        if (!JobRules.Currencies.Contains(currency))
        {
            return Error.Validation($"Funds are kept in {string.Join(", ", JobRules.Currencies)}; {currency} is not one of them.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var exists = Sql.Command(connection, tx, OrganisationSql, organisationId))
        {
            if (!(bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return Error.NotFound("The organisation");
            }
        }

        var posted = await LedgerWriter.PostAsync(connection, tx, Postings.ManualCredit(organisationId, currency, amount, reason, adminId, requestId), clock.GetUtcNow(), ct);
        await tx.CommitAsync(ct);
        return posted;
    }
}
