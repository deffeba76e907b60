using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue;

/// <summary>
/// The queue's transactions send BEGIN and COMMIT inside their batches (saving a round trip each),
/// so they end them by hand too.
/// </summary>
internal static class QueueSql
{
    public static async Task CommitAsync(NpgsqlConnection connection)
    {
        await using var commit = new NpgsqlCommand("COMMIT", connection);
        await commit.ExecuteNonQueryAsync();
    }

    /// <summary>After a failure: leave nothing half-done on a connection that goes back to the pool.</summary>
    public static async Task RollBackQuietlyAsync(NpgsqlConnection connection)
    {
        if (connection.FullState != System.Data.ConnectionState.Open)
        {
            return;
        }

        try
        {
            await using var rollback = new NpgsqlCommand("ROLLBACK", connection);
            await rollback.ExecuteNonQueryAsync();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The connection is broken; the server has already rolled the transaction back.
        }
    }
}
