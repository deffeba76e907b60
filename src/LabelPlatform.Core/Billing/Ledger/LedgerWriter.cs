using LabelPlatform.Common;
using LabelPlatform.Jobs;
using Npgsql;

namespace LabelPlatform.Billing.Ledger;

public enum PostOutcome
{
    Posted,

    /// <summary>A transaction with this key exists: the action happened before (a retry, a replay); nothing was written.</summary>
    AlreadyPosted,
}

/// <summary>
/// Writes postings inside the caller's transaction. Accounts are created on first use, the tracked
/// ones locked in one order (escrow, funds, payable, in transit) so concurrent postings never
/// deadlock, and a posting that would take a tracked balance below zero is refused with the balance
/// named, before anything is written. The database checks the same rules again (ADR 0013).
/// </summary>
internal static class LedgerWriter
{
    private static readonly string EnsureAndLockSql = Sql.Named("Billing/Ledger/LedgerWriter.sql", "EnsureAndLock");

    private static readonly string ExistsSql = Sql.Named("Billing/Ledger/LedgerWriter.sql", "Exists");

    private static readonly string InsertSql = Sql.Named("Billing/Ledger/LedgerWriter.sql", "Insert");

    public static async Task<Result<PostOutcome>> PostAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Posting posting, DateTimeOffset now, CancellationToken ct)
    {
        if (!posting.IsBalanced)
        {
            throw new InvalidOperationException($"Posting {posting.Key} does not balance.");
        }

        var lines = posting.Lines.Where(l => l.Amount != 0).ToList();
        if (lines.Count == 0)
        {
            return PostOutcome.AlreadyPosted;
        }

        var ids = lines.Select(l => LedgerAccount.IdOf(l.Kind, l.Owner, posting.Currency)).ToArray();
        var balances = await EnsureAndLockAsync(connection, tx, posting.Currency, lines.Select(l => (l.Kind, l.Owner)).ToList(), now, ct);
        await using (var exists = Sql.Command(connection, tx, ExistsSql, posting.Key))
        {
            if ((bool)(await exists.ExecuteScalarAsync(ct))!)
            {
                return PostOutcome.AlreadyPosted;
            }
        }

        for (var i = 0; i < lines.Count; i++)
        {
            // An account this statement just created is not in the locked set: it holds nothing yet.
            var balance = balances.GetValueOrDefault(ids[i]);
            if (LedgerAccount.IsTracked(lines[i].Kind) && balance + lines[i].Amount < 0)
            {
                return Short(lines[i].Kind, balance, -lines[i].Amount, posting.Currency);
            }
        }

        await using var insert = Sql.Command(connection, tx, InsertSql,
            posting.Key, posting.Kind.ToString(), posting.Currency, posting.OrganisationId, posting.JobId, posting.WorkerId,
            posting.AssignmentId, posting.PayoutId, posting.Memo, posting.CreatedBy, now, ids, lines.Select(l => l.Amount).ToArray());
        return await insert.ExecuteNonQueryAsync(ct) > 0 ? PostOutcome.Posted : PostOutcome.AlreadyPosted;
    }

    /// <summary>
    /// Creates the accounts that do not exist yet and locks the tracked ones in the ledger's order;
    /// returns their balances (an account created here holds 0 and is absent).
    /// </summary>
    private static async Task<Dictionary<Guid, long>> EnsureAndLockAsync(
        NpgsqlConnection connection, NpgsqlTransaction? tx, string currency, IReadOnlyList<(LedgerAccountKind Kind, string Owner)> accounts, DateTimeOffset now, CancellationToken ct)
    {
        var balances = new Dictionary<Guid, long>();
        await using var ensure = Sql.Command(connection, tx, EnsureAndLockSql,
            accounts.Select(a => LedgerAccount.IdOf(a.Kind, a.Owner, currency)).ToArray(), accounts.Select(a => a.Kind.ToString()).ToArray(),
            accounts.Select(a => a.Owner).ToArray(), accounts.Select(a => LedgerAccount.IsTracked(a.Kind)).ToArray(), currency, now);
        await using var reader = await ensure.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            balances[reader.GetGuid(0)] = reader.IsDBNull(1) ? 0 : reader.GetInt64(1);
        }

        return balances;
    }

    /// <summary>The refusal a user reads when a movement would overdraw an account.</summary>
    private static Error Short(LedgerAccountKind kind, long balance, long needed, string currency)
    {
        var have = MoneyFormat.Format(balance, currency);
        var need = MoneyFormat.Format(needed, currency);
        return kind switch
        {
            LedgerAccountKind.ResearcherFunds => new Error("insufficient_funds", $"This needs {need} but your organisation's funds are {have}. Add funds on the Billing page first."),
            LedgerAccountKind.WorkerPayable => new Error("insufficient_balance", $"This needs {need} but the worker's available balance is {have}."),
            LedgerAccountKind.JobEscrow => new Error("insufficient_escrow", $"This needs {need} but the job's escrow holds {have}."),
            LedgerAccountKind.DisputeHold => new Error("insufficient_hold", $"This needs {need} but the dispute holds {have}."),
            _ => new Error("insufficient_balance", $"This needs {need} but the account holds {have}."),
        };
    }
}
