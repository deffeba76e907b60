using LabelPlatform.Common;
using LabelPlatform.Jobs.Progress;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.ClaimNext;

/// <summary>
/// One claim transaction for the waiting workers of any number of jobs, in two round trips: (1)
/// BEGIN and, per job, its status, expired leases returned, the workers' live leases, the best
/// open items locked with SKIP LOCKED and who of the batch already had them; (2) the new leases
/// written, the slots taken, listeners told, COMMIT. Matching workers to items happens in memory
/// in between. One commit for every job waiting: fewer, larger transactions are what make the
/// queue fast on a small database machine. In a job with gold, every claim transaction also picks a
/// gold item for each of its workers who drew one and leases it with the others: every batch of
/// the job runs the same statements, drawn or not, and a worker's claim waits for the whole
/// batch, so its timing does not give a gold item away.
/// </summary>
internal static class ClaimTransaction
{
    private static readonly string JobSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Job");

    // Ends in a SELECT so that every command of the first batch yields exactly one result set.
    private static readonly string ExpireSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Expire");

    private static readonly string HeldSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Held");

    // The best open items, locked, each with those of this batch's workers who already had it.
    private static readonly string CandidatesSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Candidates");

    // For each worker: the live gold item they would get next, in an order of their own.
    private static readonly string GoldCandidatesSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "GoldCandidates");

    // Gold leases take no slot; handing one out counts toward the item's retirement. A worker racing
    // themselves from two processes for the same gold item gets it once (the unique index decides):
    // the leases written come back, and only those are handed out.
    private static readonly string GoldLeaseSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "GoldLease");

    private static readonly string LeaseSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Lease");

    public static async Task<Dictionary<(Guid JobId, string WorkerId), ClaimBatchOutcome>> RunAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<ClaimRequest> requests, DateTimeOffset now)
    {
        // Jobs in a fixed order, so two processes lock and write in the same order. A worker who
        // asked twice for one job in one batch gets one answer for both; the larger count wins.
        var jobs = requests
            .GroupBy(r => r.JobId)
            .OrderBy(g => g.Key)
            .Select(g => new JobClaims(
                g.Key,
                g.GroupBy(r => r.WorkerId).ToDictionary(w => w.Key, w => w.Max(r => r.Count)),
                g.Where(r => r.Gold is not null).GroupBy(r => r.WorkerId).ToDictionary(w => w.Key, w => w.First().Gold!)))
            .ToList();

        await using var connection = await dataSource.OpenConnectionAsync();
        HashSet<Guid> goldLeased;
        try
        {
            await ReadAsync(connection, jobs, now);
            goldLeased = await WriteAsync(connection, jobs, now);
        }
        catch
        {
            await QueueSql.RollBackQuietlyAsync(connection);
            throw;
        }

        var outcomes = new Dictionary<(Guid, string), ClaimBatchOutcome>();
        foreach (var job in jobs)
        {
            foreach (var (worker, count) in job.Wanted)
            {
                outcomes[(job.Id, worker)] = job.Status != "Running" ? new ClaimBatchOutcome([], job.Status ?? "missing")
                    : job.GoldNotReady.Contains(worker) ? new ClaimBatchOutcome([], null, GoldNotReady: true)
                    : new ClaimBatchOutcome(job.Claims[worker].Where(c => !job.GoldClaims.Contains(c.AssignmentId) || goldLeased.Contains(c.AssignmentId)).Take(count).ToList(), null);
            }
        }

        return outcomes;
    }

    /// <summary>Round trip 1: BEGIN, then for each job its status, expired leases returned, live leases, locked candidates.</summary>
    private static async Task ReadAsync(NpgsqlConnection connection, List<JobClaims> jobs, DateTimeOffset now)
    {
        await using var read = new NpgsqlBatch(connection);
        read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        foreach (var job in jobs)
        {
            var workers = job.Wanted.Keys.ToArray();
            var candidateLimit = (job.Wanted.Values.Sum() * 2) + 32;
            read.BatchCommands.Add(Sql.BatchCommand(JobSql, job.Id));
            read.BatchCommands.Add(Sql.BatchCommand(ExpireSql, job.Id, now));
            read.BatchCommands.Add(Sql.BatchCommand(HeldSql, job.Id, workers));
            read.BatchCommands.Add(Sql.BatchCommand(CandidatesSql, job.Id, candidateLimit, workers));
            if (job.Tickets.Count > 0)
            {
                // Only the workers whose ticket drew gold need an item picked: looking one up for every
                // worker of the batch cost more than the rest of the claim (ADR 0019).
                var drawing = job.Tickets.Where(t => t.Value.Draw).Select(t => t.Key).ToArray();
                read.BatchCommands.Add(Sql.BatchCommand(GoldCandidatesSql, job.Id, drawing, job.Tickets.Values.First().RetireAfter));
            }
        }

        await using var reader = await read.ExecuteReaderAsync();
        foreach (var job in jobs)
        {
            // Result sets in order: (BEGIN has none) the job, the expiry count, live leases, candidates.
            if (await reader.ReadAsync())
            {
                job.Status = reader.GetString(0);
                job.LeaseMinutes = reader.GetInt32(1);
            }

            await reader.NextResultAsync();
            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                var worker = reader.GetString(2);
                job.Claims[worker].Add(new Claim(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(3)));
            }

            await reader.NextResultAsync();
            while (await reader.ReadAsync())
            {
                var item = reader.GetGuid(0);
                job.Candidates.Add((item, reader.GetInt32(1)));
                foreach (var worker in reader.GetFieldValue<string[]>(2))
                {
                    job.Seen.Add((item, worker));
                }
            }

            await reader.NextResultAsync();
            if (job.Tickets.Count > 0)
            {
                while (await reader.ReadAsync())
                {
                    job.GoldCandidates[reader.GetString(0)] = reader.GetGuid(1);
                }

                await reader.NextResultAsync();
            }
        }
    }

    /// <summary>
    /// Round trip 2: the gold leases and the new leases of every running job, listeners told,
    /// COMMIT. The commit travels with the writes: a worker hears of a lease only once it is durable.
    /// Jobs that are not running still commit, since returning expired leases is right whatever the
    /// job's state. Returns the gold leases written.
    /// </summary>
    private static async Task<HashSet<Guid>> WriteAsync(NpgsqlConnection connection, List<JobClaims> jobs, DateTimeOffset now)
    {
        await using var write = new NpgsqlBatch(connection);
        var gold = new List<(Guid JobId, string Worker, Claim Claim)>();
        foreach (var job in jobs.Where(j => j.Status == "Running"))
        {
            var expires = now.AddMinutes(job.LeaseMinutes);
            gold.AddRange(DrawGold(job, expires).Select(g => (job.Id, g.Worker, g.Claim)));
            var fresh = Match(job.Wanted.Where(w => !job.Drawn.Contains(w.Key)).ToDictionary(), job.Claims, job.Candidates, job.Seen, expires);
            if (fresh.Count == 0 && job.Drawn.Count == 0)
            {
                continue;
            }

            if (fresh.Count > 0)
            {
                write.BatchCommands.Add(Sql.BatchCommand(
                    LeaseSql,
                    fresh.Select(f => f.Claim.AssignmentId).ToArray(),
                    fresh.Select(f => f.Claim.ItemId).ToArray(),
                    fresh.Select(f => f.Worker).ToArray(),
                    job.Id,
                    now,
                    expires));
            }

            write.BatchCommands.Add(JobChanges.AnnounceCommand(job.Id));
        }

        // Every gold lease of the batch in one statement, first: its result set is the first to read.
        if (gold.Count > 0)
        {
            write.BatchCommands.Insert(0, Sql.BatchCommand(
                GoldLeaseSql,
                gold.Select(g => g.Claim.AssignmentId).ToArray(),
                gold.Select(g => g.Claim.ItemId).ToArray(),
                gold.Select(g => g.Worker).ToArray(),
                gold.Select(g => g.JobId).ToArray(),
                gold.Select(g => g.Claim.LeaseExpiresAt).ToArray(),
                now));
        }

        write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        var leased = new HashSet<Guid>();
        await using var reader = await write.ExecuteReaderAsync();
        if (gold.Count > 0)
        {
            while (await reader.ReadAsync())
            {
                leased.Add(reader.GetGuid(0));
            }
        }

        while (await reader.NextResultAsync())
        {
            // Read every result, so an error in the COMMIT surfaces here.
        }

        return leased;
    }

    /// <summary>
    /// The workers whose claim is a gold item get the one picked for them (one item, whatever they
    /// asked for); one who owes the qualification test and has none left gets nothing. A worker
    /// whose draw found no live gold item, outside the test, gets real work as usual.
    /// </summary>
    private static List<(string Worker, Claim Claim)> DrawGold(JobClaims job, DateTimeOffset expires)
    {
        var drawn = new List<(string, Claim)>();
        foreach (var (worker, ticket) in job.Tickets.Where(t => t.Value.Draw && job.Claims[t.Key].Count == 0))
        {
            if (job.GoldCandidates.TryGetValue(worker, out var item))
            {
                var claim = new Claim(Guid.CreateVersion7(), item, expires);
                job.Claims[worker].Add(claim);
                job.GoldClaims.Add(claim.AssignmentId);
                job.Drawn.Add(worker);
                drawn.Add((worker, claim));
            }
            else if (ticket.Forced)
            {
                job.GoldNotReady.Add(worker);
                job.Drawn.Add(worker);
            }
        }

        return drawn;
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

    /// <summary>One job's share of a claim transaction: who wants how many (and which claims are gold draws), and what the reads found.</summary>
    private sealed class JobClaims(Guid id, Dictionary<string, int> wanted, Dictionary<string, Quality.Gold.GoldTicket> tickets)
    {
        public Guid Id { get; } = id;

        public Dictionary<string, int> Wanted { get; } = wanted;

        public Dictionary<string, Quality.Gold.GoldTicket> Tickets { get; } = tickets;

        public Dictionary<string, Guid> GoldCandidates { get; } = [];

        /// <summary>Workers served by their gold draw (an item, or "not ready"): real items are not dealt to them.</summary>
        public HashSet<string> Drawn { get; } = [];

        public HashSet<Guid> GoldClaims { get; } = [];

        public HashSet<string> GoldNotReady { get; } = [];

        public Dictionary<string, List<Claim>> Claims { get; } = wanted.Keys.ToDictionary(w => w, _ => new List<Claim>());

        public List<(Guid Id, int Remaining)> Candidates { get; } = [];

        public HashSet<(Guid Item, string Worker)> Seen { get; } = [];

        public string? Status { get; set; }

        public int LeaseMinutes { get; set; }
    }
}
