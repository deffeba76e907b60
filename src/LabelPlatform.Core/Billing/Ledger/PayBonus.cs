using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Billing.Ledger;

/// <summary>A researcher pays a worker who worked on their job a bonus, from the organisation's funds, plus the platform's fee.</summary>
public sealed class PayBonus(NpgsqlDataSource dataSource, IOptions<BillingOptions> options, TimeProvider clock)
{
    public const long Maximum = 1_000_00;

    // The job must be the organisation's, and the worker must have submitted to it.
    private static readonly string CheckSql = Sql.Named("Billing/Ledger/PayBonus.sql", "Check");

    /// <param name="requestId">The form's id: a double-submitted form pays once.</param>
    public async Task<Result<PostOutcome>> HandleAsync(Guid organisationId, string researcherId, Guid jobId, string workerId, long amount, string note, Guid requestId, CancellationToken ct = default)
    {
        note = note.Trim();
        if (amount <= 0 || amount > Maximum)
        {
            return Error.Validation($"A bonus is above zero and at most {MoneyFormat.Number(Maximum, "USD")} in USD, EUR or GBP ({MoneyFormat.Number(Maximum, "JPY")} in JPY).");
        }

        if (note.Length > 500)
        {
            return Error.Validation("The note to the worker is at most 500 characters.");
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        string currency;
        await using (var check = Sql.Command(connection, tx, CheckSql, jobId, organisationId, workerId))
        {
            if (await check.ExecuteScalarAsync(ct) is not string found)
            {
                return Error.NotFound("A worker with an accepted answer in this job");
            }

            currency = found;
        }

        var fee = Pricing.Fee(amount, options.Value);
        var posted = await LedgerWriter.PostAsync(connection, tx,
            Postings.Bonus(requestId, organisationId, jobId, workerId, currency, amount, fee, note.Length > 0 ? note : "Bonus", researcherId), clock.GetUtcNow(), ct);
        if (posted.IsSuccess)
        {
            await tx.CommitAsync(ct);
        }

        return posted;
    }
}
