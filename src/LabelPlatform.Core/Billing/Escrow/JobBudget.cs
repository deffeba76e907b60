using LabelPlatform.Billing.Ledger;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Npgsql;

namespace LabelPlatform.Billing.Escrow;

/// <summary>What a job's escrow must hold: every answer it may still pay for, at price plus fee.</summary>
internal static class JobBudget
{
    // $1 job. Answers still to come (open slots), answers in hand not yet paid or refused, whether the job has gold, and its gold rate.
    private static readonly string HasEscrowSql = Sql.Named("Billing/Escrow/JobBudget.sql", "HasEscrow");
    private static readonly string OutstandingSql = Sql.Named("Billing/Escrow/JobBudget.sql", "Outstanding");

    /// <summary>What a job may still pay for. <see cref="Gold"/> is budgeted at the job's one gold rate, at launch and at every top-up alike.</summary>
    public sealed record Outstanding(long OpenSlots, long InHand, bool HasGold, double GoldRate)
    {
        public long Gold => Pricing.GoldAnswers(OpenSlots, GoldRate, HasGold);

        /// <summary>Every answer the escrow must cover: open slots, their gold, and answers in hand.</summary>
        public long Answers => OpenSlots + Gold + InHand;
    }

    public static async Task<Outstanding> OutstandingAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid jobId, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, tx, OutstandingSql, jobId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new Outstanding(reader.GetInt64(0), reader.GetInt64(1), reader.GetBoolean(2), reader.IsDBNull(3) ? 0 : reader.GetDouble(3));
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
        var gold = outstanding.Gold;
        var budget = Pricing.Budget(outstanding.OpenSlots + outstanding.InHand, gold, job.PricePerAnswer, job.FeePerAnswer);
        var what = $"{outstanding.OpenSlots:N0} answers and {gold:N0} gold answers at {MoneyFormat.Format(job.PricePerAnswer, job.Currency)} + {MoneyFormat.Format(job.FeePerAnswer, job.Currency)} fee";
        var posted = await LedgerWriter.PostAsync(connection, tx, Postings.Escrow($"launch:{job.Id}", job.OrganisationId, job.Id, job.Currency, budget, $"Launch: {what}"), now, ct);
        return posted.Error is { Code: "insufficient_funds" } ? new Error("insufficient_funds", $"Launching needs {MoneyFormat.Format(budget, job.Currency)} ({what}). {posted.Error.Message}")
            : posted.Error;
    }

    /// <summary>What a top-up left uncovered, and the organisation's funds it saw.</summary>
    public sealed record TopUp(long Uncovered, long Shortfall, long Funds);

    /// <summary>
    /// Brings a running job's escrow up to the work still to come (open slots and answers in hand) from
    /// the organisation's funds: as far as they go, or, with <paramref name="allOrNothing"/>, only if they cover all of it.
    /// </summary>
    public static async Task<TopUp> TopUpAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid jobId, Guid organisationId, string currency, long unit, bool allOrNothing, string memo, DateTimeOffset now, CancellationToken ct)
    {
        var escrow = await Balances.LockedAsync(connection, tx, LedgerAccount.Escrow(jobId, currency), ct);
        var outstanding = await OutstandingAsync(connection, tx, jobId, ct);
        var shortfall = (outstanding.Answers * unit) - escrow;
        if (shortfall <= 0)
        {
            return new TopUp(0, 0, 0);
        }

        var funds = await Balances.LockedAsync(connection, tx, LedgerAccount.Funds(organisationId, currency), ct);
        var topUp = allOrNothing ? (funds >= shortfall ? shortfall : 0) : Math.Min(funds, shortfall);
        if (topUp > 0)
        {
            await LedgerWriter.PostAsync(connection, tx, Postings.Escrow($"topup:{jobId}:{Guid.NewGuid()}", organisationId, jobId, currency, topUp, memo), now, ct);
        }

        return new TopUp(shortfall - topUp, shortfall, funds);
    }

    /// <summary>
    /// Resuming a job its funds ran out on: its escrow must cover the rest of the work first, or the resume is refused.
    /// Jobs launched before billing (no escrow) and free jobs are not checked.
    /// </summary>
    public static async Task<Error?> CoverForResumeAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Job job, DateTimeOffset now, CancellationToken ct)
    {
        var unit = job.PricePerAnswer + job.FeePerAnswer;
        if (unit == 0 || !await HasEscrowAsync(connection, tx, job, ct))
        {
            return null;
        }

        var topUp = await TopUpAsync(connection, tx, job.Id, job.OrganisationId, job.Currency, unit, allOrNothing: true, "Topped up to resume the job", now, ct);
        return topUp.Uncovered == 0 ? null
            : new Error("insufficient_funds", $"Resuming needs {MoneyFormat.Format(topUp.Shortfall, job.Currency)} more for the work still to come, but your organisation's funds are {MoneyFormat.Format(topUp.Funds, job.Currency)}. Add funds on the Billing page first.");
    }

    private static async Task<bool> HasEscrowAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Job job, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, tx, HasEscrowSql, LedgerAccount.Escrow(job.Id, job.Currency));
        return (bool)(await command.ExecuteScalarAsync(ct))!;
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
