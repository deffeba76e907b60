using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Billing.Ledger;

/// <summary>Reads balances: tracked ones from their row, the others as the sum of their entries.</summary>
internal static class Balances
{
    private const string LockSql = "SELECT balance FROM ledger_accounts WHERE id = $1 FOR UPDATE";

    private const string SumSql = "SELECT coalesce(sum(amount), 0)::bigint FROM ledger_entries WHERE account_id = $1";

    /// <summary>A tracked account's balance, locked until the transaction ends; 0 when it has never been used.</summary>
    public static async Task<long> LockedAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid accountId, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, tx, LockSql, accountId);
        return await command.ExecuteScalarAsync(ct) is long balance ? balance : 0;
    }

    public static async Task<long> SumAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid accountId, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, tx, SumSql, accountId);
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
