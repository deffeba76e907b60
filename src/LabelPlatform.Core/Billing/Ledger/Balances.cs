using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Ledger;

/// <summary>Reads a tracked account's balance from its row, locking it.</summary>
internal static class Balances
{
    private static readonly string LockSql = Sql.Named("Billing/Ledger/Balances.sql", "Lock");

    /// <summary>A tracked account's balance, locked until the transaction ends; 0 when it has never been used.</summary>
    public static async Task<long> LockedAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid accountId, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, tx, LockSql, accountId);
        return await command.ExecuteScalarAsync(ct) is long balance ? balance : 0;
    }

}
