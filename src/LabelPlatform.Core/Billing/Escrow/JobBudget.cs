using LabelPlatform.Billing.Ledger;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Npgsql;

namespace LabelPlatform.Billing.Escrow;

/// <summary>What a job's escrow must hold: every answer it may still pay for, at price plus fee.</summary>
internal static class JobBudget
{
    // $1 job. Answers still to come (open slots), answers in hand not yet paid or refused, and whether the job has gold.
    private const string OutstandingSql = """
        SELECT
            (SELECT coalesce(sum(i.remaining_slots), 0) FROM items i WHERE i.job_id = $1 AND i.gold_answer IS NULL)::bigint,
            (SELECT count(*) FROM assignments a WHERE a.job_id = $1
                AND (a.status = 'Leased' OR (a.status = 'Submitted' AND a.review_state IN ('Pending', 'NeedsReview', 'Disputed'))))::bigint,
            EXISTS (SELECT 1 FROM items i WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL)
        """;

    public sealed record Outstanding(long OpenSlots, long InHand, bool HasGold);

    public static async Task<Outstanding> OutstandingAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid jobId, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, tx, OutstandingSql, jobId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Outstanding(reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2));
    }

    /// <summary>
    /// Launch: the job's fee is fixed and its whole budget moves from the organisation's funds to its
    /// escrow, in the caller's transaction; refused, naming both amounts, when the funds fall short.
    /// </summary>
    public static async Task<Error?> ReserveAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Job job, BillingOptions options, DateTimeOffset now, CancellationToken ct)
    {
        job.FeePerAnswer = job.PricePerAnswer > 0 ? Pricing.Fee(job.PricePerAnswer, options) : 0;
        var unit = job.PricePerAnswer + job.FeePerAnswer;
        if (unit == 0)
        {
            return null;
        }

        var outstanding = await OutstandingAsync(connection, tx, job.Id, ct);
        var gold = Pricing.GoldAnswers(outstanding.OpenSlots, job.QualityPolicy.GoldRate, outstanding.HasGold);
        var budget = Pricing.Budget(outstanding.OpenSlots, gold, job.PricePerAnswer, job.FeePerAnswer);
        var memo = $"Launch: {outstanding.OpenSlots:N0} answers and {gold:N0} gold answers at {MoneyFormat.Format(job.PricePerAnswer, job.Currency)} + {MoneyFormat.Format(job.FeePerAnswer, job.Currency)} fee";
        var posted = await LedgerWriter.PostAsync(connection, tx, Postings.Escrow($"launch:{job.Id}", job.OrganisationId, job.Id, job.Currency, budget, memo), now, ct);
        return posted.Error is { Code: "insufficient_funds" } ? new Error("insufficient_funds", $"Launching needs {MoneyFormat.Format(budget, job.Currency)} ({memo[8..]}). {posted.Error.Message}")
            : posted.Error;
    }

    /// <summary>
    /// Returns to the organisation what the escrow holds beyond the answers still in hand (a leased item may
    /// still be submitted, an answer may still be approved). Safe to repeat: it works from the escrow's locked
    /// balance, so a second run finds nothing more to return.
    /// </summary>
    public static async Task<long> ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid jobId, Guid organisationId, string currency, long unit, DateTimeOffset now, CancellationToken ct)
    {
        var escrow = await Balances.LockedAsync(connection, tx, LedgerAccount.Escrow(jobId, currency), ct);
        var outstanding = await OutstandingAsync(connection, tx, jobId, ct);
        var keep = outstanding.InHand * unit;
        var release = escrow - keep;
        if (release <= 0)
        {
            return 0;
        }

        var posted = await LedgerWriter.PostAsync(connection, tx,
            Postings.Release($"release:{jobId}:{Guid.NewGuid()}", organisationId, jobId, currency, release, "What the job did not use"), now, ct);
        return posted.Value == PostOutcome.Posted ? release : 0;
    }
}
