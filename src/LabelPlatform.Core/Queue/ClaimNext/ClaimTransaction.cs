using LabelPlatform.Jobs.Progress;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.ClaimNext;

/// <summary>
/// One claim transaction for a batch of workers on one job, in two round trips: (1) BEGIN, the
/// job's status, expired leases returned, the workers' live leases, the best open items locked
/// with SKIP LOCKED and who of the batch already had them; (2) the new leases written, the slots
/// taken, listeners told, COMMIT. Matching workers to items happens in memory in between.
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

    // The best open items, locked, each with those of this batch's workers who already had it.
    private const string CandidatesSql = """
        WITH candidates AS (
            SELECT id, remaining_slots, ordinal FROM items
            WHERE job_id = $1 AND remaining_slots > 0
            ORDER BY remaining_slots, ordinal
            LIMIT $2
            FOR UPDATE SKIP LOCKED
        )
        SELECT c.id, c.remaining_slots,
               ARRAY(SELECT a.worker_id FROM assignments a WHERE a.item_id = c.id AND a.worker_id = ANY($3)) AS seen_by
        FROM candidates c
        ORDER BY c.remaining_slots, c.ordinal
        """;

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
        try
        {
            return await RunAsync(connection, jobId, wanted, workers, candidateLimit, now);
        }
        catch
        {
            await QueueSql.RollBackQuietlyAsync(connection);
            throw;
        }
    }

    private static async Task<Dictionary<string, ClaimBatchOutcome>> RunAsync(
        NpgsqlConnection connection, Guid jobId, Dictionary<string, int> wanted, string[] workers, int candidateLimit, DateTimeOffset now)
    {

        string? status = null;
        var leaseMinutes = 0;
        var held = new List<Claim>();
        var heldBy = new List<string>();
        var candidates = new List<(Guid Id, int Remaining)>();
        var seen = new HashSet<(Guid Item, string Worker)>();
        await using (var first = new NpgsqlBatch(connection))
        {
            first.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            first.BatchCommands.Add(QueueSql.Command(JobSql, jobId));
            first.BatchCommands.Add(QueueSql.Command(ExpireSql, jobId, now));
            first.BatchCommands.Add(QueueSql.Command(HeldSql, jobId, workers));
            first.BatchCommands.Add(QueueSql.Command(CandidatesSql, jobId, candidateLimit, workers));
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
                var item = reader.GetGuid(0);
                candidates.Add((item, reader.GetInt32(1)));
                foreach (var worker in reader.GetFieldValue<string[]>(2))
                {
                    seen.Add((item, worker));
                }
            }
        }

        if (status != "Running")
        {
            // Commit anyway: returning expired leases is right whatever the job's state.
            await QueueSql.CommitAsync(connection);
            var why = status ?? "missing";
            return workers.ToDictionary(w => w, _ => new ClaimBatchOutcome([], why));
        }

        var claims = workers.ToDictionary(w => w, _ => new List<Claim>());
        for (var i = 0; i < held.Count; i++)
        {
            claims[heldBy[i]].Add(held[i]);
        }

        var expires = now.AddMinutes(leaseMinutes);
        var fresh = Match(wanted, claims, candidates, seen, expires);
        await using (var write = new NpgsqlBatch(connection))
        {
            if (fresh.Count > 0)
            {
                write.BatchCommands.Add(QueueSql.Command(
                    LeaseSql,
                    fresh.Select(f => f.Claim.AssignmentId).ToArray(),
                    fresh.Select(f => f.Claim.ItemId).ToArray(),
                    fresh.Select(f => f.Worker).ToArray(),
                    jobId,
                    now,
                    expires));
                write.BatchCommands.Add(JobChanges.AnnounceCommand(jobId));
            }

            // The commit travels with the writes: a worker hears of a lease only once it is durable.
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await write.ExecuteNonQueryAsync();
        }

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
}
