using LabelPlatform.Jobs.Progress;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.ClaimNext;

/// <summary>
/// One claim transaction for a batch of workers on one job, in three round trips and a commit:
/// (1) the job's status, expired leases returned, the workers' live leases, the best open items
/// locked with SKIP LOCKED; (2) which of those items each worker has already had; (3) the new
/// leases written and the slots taken. Matching workers to items happens in memory in between.
/// </summary>
internal static class ClaimTransaction
{
    private const string JobSql = "SELECT status, lease_minutes FROM jobs WHERE id = $1";

    // Ends in a SELECT so that every command of the first batch yields exactly one result set.
    private const string ExpireSql = """
        WITH expired AS (
            UPDATE assignments SET status = 'Expired'
            WHERE job_id = $1 AND status = 'Leased' AND lease_expires_at <= $2
            RETURNING item_id
        ), per_item AS (
            SELECT item_id, count(*)::int AS n FROM expired GROUP BY item_id
        ), restored AS (
            UPDATE items SET remaining_slots = remaining_slots + per_item.n
            FROM per_item WHERE items.id = per_item.item_id
            RETURNING 1
        )
        SELECT count(*) FROM restored
        """;

    private const string HeldSql = """
        SELECT id, item_id, worker_id, lease_expires_at FROM assignments
        WHERE job_id = $1 AND status = 'Leased' AND worker_id = ANY($2)
        ORDER BY leased_at
        """;

    private const string CandidatesSql = """
        SELECT id, remaining_slots FROM items
        WHERE job_id = $1 AND remaining_slots > 0
        ORDER BY answer_count DESC, ordinal
        LIMIT $2
        FOR UPDATE SKIP LOCKED
        """;

    private const string SeenSql = "SELECT item_id, worker_id FROM assignments WHERE item_id = ANY($1) AND worker_id = ANY($2)";

    private const string LeaseSql = """
        WITH input AS (
            SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]) AS t(id, item_id, worker_id)
        ), leased AS (
            INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at)
            SELECT id, $4, item_id, worker_id, 'Leased', $5, $6 FROM input
        )
        UPDATE items SET remaining_slots = items.remaining_slots - taken.n
        FROM (SELECT item_id, count(*)::int AS n FROM input GROUP BY item_id) taken
        WHERE items.id = taken.item_id
        """;

    public static async Task<Dictionary<string, ClaimBatchOutcome>> RunAsync(
        NpgsqlDataSource dataSource, Guid jobId, IReadOnlyList<ClaimRequest> requests, DateTimeOffset now)
    {
        // A worker who asked twice in one batch gets one answer for both; the larger count wins.
        var wanted = requests.GroupBy(r => r.WorkerId).ToDictionary(g => g.Key, g => g.Max(r => r.Count));
        var workers = wanted.Keys.ToArray();
        var candidateLimit = (wanted.Values.Sum() * 2) + 32;

        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        string? status = null;
        var leaseMinutes = 0;
        var held = new List<Claim>();
        var heldBy = new List<string>();
        var candidates = new List<(Guid Id, int Remaining)>();
        await using (var first = new NpgsqlBatch(connection, transaction))
        {
            first.BatchCommands.Add(Command(JobSql, jobId));
            first.BatchCommands.Add(Command(ExpireSql, jobId, now));
            first.BatchCommands.Add(Command(HeldSql, jobId, workers));
            first.BatchCommands.Add(Command(CandidatesSql, jobId, candidateLimit));
            await using var reader = await first.ExecuteReaderAsync();
            if (await reader.ReadAsync())
            {
                status = reader.GetString(0);
                leaseMinutes = reader.GetInt32(1);
            }

            await reader.NextResultAsync();
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                held.Add(new Claim(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(3)));
                heldBy.Add(reader.GetString(2));
            }

            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                candidates.Add((reader.GetGuid(0), reader.GetInt32(1)));
            }
        }

        if (status != "Running")
        {
            // Commit anyway: returning expired leases is right whatever the job's state.
            await transaction.CommitAsync();
            var why = status ?? "missing";
            return workers.ToDictionary(w => w, _ => new ClaimBatchOutcome([], why));
        }

        var seen = new HashSet<(Guid Item, string Worker)>();
        if (candidates.Count > 0)
        {
            await using var second = new NpgsqlCommand(SeenSql, connection, transaction);
            second.Parameters.Add(new NpgsqlParameter { Value = candidates.Select(c => c.Id).ToArray() });
            second.Parameters.Add(new NpgsqlParameter { Value = workers });
            await using var reader = await second.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                seen.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        var claims = workers.ToDictionary(w => w, _ => new List<Claim>());
        for (var i = 0; i < held.Count; i++)
        {
            claims[heldBy[i]].Add(held[i]);
        }

        var expires = now.AddMinutes(leaseMinutes);
        var fresh = Match(wanted, claims, candidates, seen, expires);
        if (fresh.Count > 0)
        {
            await using var write = new NpgsqlBatch(connection, transaction);
            write.BatchCommands.Add(Command(
                LeaseSql,
                fresh.Select(f => f.Claim.AssignmentId).ToArray(),
                fresh.Select(f => f.Claim.ItemId).ToArray(),
                fresh.Select(f => f.Worker).ToArray(),
                jobId,
                now,
                expires));
            write.BatchCommands.Add(JobChanges.AnnounceCommand(jobId));
            await write.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
        return claims.ToDictionary(c => c.Key, c => new ClaimBatchOutcome(c.Value.Take(wanted[c.Key]).ToList(), null));
    }

    /// <summary>
    /// Deals the locked items out one round at a time, so a worker asking for ten does not take
    /// everything before the others get one. Best items first; never an item the worker has had.
    /// </summary>
    private static List<(string Worker, Claim Claim)> Match(
        Dictionary<string, int> wanted,
        Dictionary<string, List<Claim>> claims,
        List<(Guid Id, int Remaining)> candidates,
        HashSet<(Guid Item, string Worker)> seen,
        DateTimeOffset expires)
    {
        var remaining = candidates.Select(c => c.Remaining).ToArray();
        var fresh = new List<(string, Claim)>();
        var round = 0;
        bool dealt;
        do
        {
            dealt = false;
            round++;
            foreach (var (worker, count) in wanted)
            {
                var mine = claims[worker];
                if (mine.Count >= count || mine.Count >= round)
                {
                    continue;
                }

                for (var i = 0; i < candidates.Count; i++)
                {
                    var item = candidates[i].Id;
                    if (remaining[i] > 0 && !seen.Contains((item, worker)) && mine.TrueForAll(c => c.ItemId != item))
                    {
                        remaining[i]--;
                        var claim = new Claim(Guid.CreateVersion7(), item, expires);
                        mine.Add(claim);
                        fresh.Add((worker, claim));
                        dealt = true;
                        break;
                    }
                }
            }
        }
        while (dealt || round < QueueOptions.MaxItemsPerClaim);

        return fresh;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(value is DateTimeOffset at
                ? new NpgsqlParameter { Value = at, NpgsqlDbType = NpgsqlDbType.TimestampTz }
                : new NpgsqlParameter { Value = value });
        }

        return command;
    }
}
