using Npgsql;

namespace LabelPlatform.Bench.Queue;

/// <summary>
/// Exactly-once checks after the load runs. double_assigned (must be 0) = (item, worker) pairs with
/// more than one assignment + items with more submitted answers than the job asks for.
/// slot_mismatch and open_leases are reported beside it: slots lost or leases left behind.
/// </summary>
public static class QueueChecks
{
    public static async Task RunAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT
              (SELECT count(*) FROM (
                 SELECT 1 FROM assignments GROUP BY item_id, worker_id HAVING count(*) > 1) d),
              (SELECT count(*) FROM (
                 SELECT 1 FROM assignments a JOIN jobs j ON j.id = a.job_id
                 WHERE a.status = 'Submitted'
                 GROUP BY a.item_id, j.answers_per_item HAVING count(*) > j.answers_per_item) o),
              (SELECT count(*) FROM items i JOIN jobs j ON j.id = i.job_id
                 LEFT JOIN (SELECT a.item_id, count(*) AS n FROM assignments a JOIN jobs aj ON aj.id = a.job_id
                            WHERE aj.status IN ('Running', 'Paused') AND a.status IN ('Leased', 'Submitted')
                            GROUP BY a.item_id) a ON a.item_id = i.id
               WHERE j.status IN ('Running', 'Paused') AND i.remaining_slots + coalesce(a.n, 0) <> j.answers_per_item),
              (SELECT count(*) FROM assignments WHERE status = 'Leased'),
              (SELECT count(*) FROM assignments a JOIN jobs j ON j.id = a.job_id
               WHERE a.status = 'Submitted' AND j.status <> 'Completed')
            """, connection)
        { CommandTimeout = 0 };
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var pairs = reader.GetInt64(0);
        var overAnswered = reader.GetInt64(1);
        var slotMismatch = reader.GetInt64(2);
        var openLeases = reader.GetInt64(3);
        var answered = reader.GetInt64(4);
        Console.WriteLine($"check: {answered:N0} answers in running jobs; duplicate (item, worker) pairs {pairs}, " +
            $"over-answered items {overAnswered}, items whose slots do not add up {slotMismatch}, leases still open {openLeases}");
        Measure.Print("check", ("double_assigned", pairs + overAnswered), ("duplicate_pairs", pairs),
            ("over_answered", overAnswered), ("slot_mismatch", slotMismatch), ("open_leases", openLeases), ("answers", answered));
    }
}
