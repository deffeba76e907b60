using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Ledger;

/// <summary>
/// Pays accepted answers, inside the transaction that accepts them: for each, the job's price goes
/// from its escrow to the worker's payable and the fee to revenue, keyed by the assignment so an
/// answer is paid once however often it is accepted. The work is the database function
/// <c>ledger_pay_answers</c> (migration Billing), one round trip that can ride in the accepting
/// transaction's own batch. Gold answers can outrun the budget reserved at launch: the shortfall
/// is taken from the organisation's funds, and what funds cannot cover the platform pays (the
/// escrow sweep then pauses the job). Rejected answers are never passed here.
/// </summary>
internal static class Earnings
{
    // $1 assignment ids, $2 now. Returns the ledger entries written.
    private static readonly string PaySql = Sql.Named("Billing/Ledger/Earnings.sql", "Pay");

    /// <summary>The payment as one command of a batch (results: one row, the entries written).</summary>
    public static NpgsqlBatchCommand Command(IReadOnlyCollection<Guid> assignmentIds, DateTimeOffset now) =>
        Sql.BatchCommand(PaySql, assignmentIds.ToArray(), now);

    /// <summary>Pays the answers among <paramref name="assignmentIds"/> not paid before; returns the entries written.</summary>
    public static async Task<int> PostAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, IReadOnlyCollection<Guid> assignmentIds, DateTimeOffset now, CancellationToken ct)
    {
        if (assignmentIds.Count == 0)
        {
            return 0;
        }

        await using var command = Sql.Command(connection, tx, PaySql, assignmentIds.ToArray(), now);
        return (int)(await command.ExecuteScalarAsync(ct))!;
    }
}
