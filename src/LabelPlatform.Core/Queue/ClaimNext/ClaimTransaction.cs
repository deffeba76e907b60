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
/// queue fast on a small database machine. In a job with gold (or blocks) the first round trip also
/// reads the job's policy and each waiting worker's record there; in between, each is found blocked,
/// drawn for a gold item or not (<see cref="Quality.Gold.GoldDraw.Decide"/>); the second leases the
/// drawn gold items with the real ones. Every batch of the job runs the same statements, and a
/// worker's claim waits for the whole shared transaction, so its timing does not give a gold item away.
/// </summary>
internal static class ClaimTransaction
{
    private static readonly string JobSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Job");

    // Ends in a SELECT so that every command of the first batch yields exactly one result set.
    private static readonly string ExpireSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Expire");

    private static readonly string HeldSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Held");

    // The best open items, locked, each with those of this batch's workers who already had it.
    private static readonly string CandidatesSql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Candidates");

    // The job's quality policy and, for each worker, their gold answers so far and whether they are blocked.
    private static readonly string QualitySql = Sql.Named("Queue/ClaimNext/ClaimTransaction.sql", "Quality");

    // For each worker who drew gold: the first live gold item from a random point of the job's gold that
    // they never had, leased (no slot taken; handing one out counts toward the item's retirement). A worker racing
    // themselves from two processes for the same gold item gets it once (the unique index decides).
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
                g.Where(r => r.CheckGold).Select(r => r.WorkerId).ToHashSet()))
            .ToList();

        await using var connection = await dataSource.OpenConnectionAsync();
        try
        {
            await ReadAsync(connection, jobs, now);
            await WriteAsync(connection, jobs, now);
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
                var ticket = job.Tickets.GetValueOrDefault(worker);
                outcomes[(job.Id, worker)] = job.Status != "Running" ? new ClaimBatchOutcome([], job.Status ?? "missing")
                    : ticket is { Blocked: true } ? new ClaimBatchOutcome([], null, Blocked: true)
                    : ticket is { Forced: true } && job.Claims[worker].Count == 0 ? new ClaimBatchOutcome([], null, GoldNotReady: true)
                    : new ClaimBatchOutcome(job.Claims[worker].Take(count).ToList(), null);
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
            if (job.GoldChecked.Count > 0)
            {
                read.BatchCommands.Add(Sql.BatchCommand(QualitySql, job.Id, job.GoldChecked.ToArray()));
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
            if (job.GoldChecked.Count > 0)
            {
                while (await reader.ReadAsync())
                {
                    job.Policy ??= Quality.Gold.QualityPolicy.FromJson(reader.GetString(0));
                    job.Records[reader.GetString(1)] = (reader.GetInt32(2), reader.GetBoolean(3));
                }

                await reader.NextResultAsync();
            }
        }
    }

    /// <summary>
    /// Round trip 2: the gold leases and the new leases of every running job, listeners told,
    /// COMMIT. The commit travels with the writes: a worker hears of a lease only once it is durable.
    /// Jobs that are not running still commit, since returning expired leases is right whatever the
    /// job's state. A worker who drew gold gets the gold item leased for them, or, when none is left
    /// for them, nothing from this batch: one outside the qualification test then takes the careful
    /// single claim for real work (<see cref="ClaimNextItem"/>).
    /// </summary>
    private static async Task WriteAsync(NpgsqlConnection connection, List<JobClaims> jobs, DateTimeOffset now)
    {
        await using var write = new NpgsqlBatch(connection);
        // The gold statement's one plan serves every call (it walks one index from a point and probes
        // another); left to choose, PostgreSQL planned it afresh each time, which cost more than running it.
        write.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL plan_cache_mode = force_generic_plan"));
        var golden = new List<(JobClaims Job, HashSet<Guid> Real)>();
        foreach (var job in jobs.Where(j => j.Status == "Running"))
        {
            var expires = now.AddMinutes(job.LeaseMinutes);
            var drawing = DrawGold(job);
            var served = job.Wanted.Where(w => !job.Tickets.TryGetValue(w.Key, out var t) || !(t.Blocked || t.Draw));
            var fresh = Match(served.ToDictionary(), job.Claims, job.Candidates, job.Seen, expires);
            if (job.Policy is not null)
            {
                // A job with gold writes its real and gold leases in one statement, and every batch of it
                // picks at least one gold item: when nobody drew, for a decoy it does not lease. So a
                // lone worker's claim runs the same statement with the same work, drawn or not.
                var picks = drawing.Select(w => (Worker: w, Lease: true)).ToList();
                if (picks.Count == 0 && job.GoldChecked.Count > 0)
                {
                    picks.Add((job.GoldChecked.First(), false));
                }

                // Their result sets are the first to read.
                write.BatchCommands.Insert(1 + golden.Count, Sql.BatchCommand(
                    GoldLeaseSql, job.Id, picks.Select(_ => Guid.CreateVersion7()).ToArray(), picks.Select(p => p.Worker).ToArray(), now,
                    job.Policy.GoldRetireAfter, expires, picks.Select(p => p.Lease).ToArray(),
                    fresh.Select(f => f.Claim.AssignmentId).ToArray(), fresh.Select(f => f.Claim.ItemId).ToArray(), fresh.Select(f => f.Worker).ToArray(),
                    picks.Select(_ => Random.Shared.NextDouble()).ToArray()));
                golden.Add((job, fresh.Select(f => f.Claim.AssignmentId).ToHashSet()));
            }
            else if (fresh.Count > 0)
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
            else
            {
                continue;
            }

            write.BatchCommands.Add(JobChanges.AnnounceCommand(job.Id));
        }

        write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await using var reader = await write.ExecuteReaderAsync();
        var gold = new List<(JobClaims Job, string Worker, Claim Claim)>();
        var written = new HashSet<Guid>();
        foreach (var (job, _) in golden)
        {
            var expires = now.AddMinutes(job.LeaseMinutes);
            while (await reader.ReadAsync())
            {
                written.Add(reader.GetGuid(0));
                if (reader.GetBoolean(3))
                {
                    gold.Add((job, reader.GetString(2), new Claim(reader.GetGuid(0), reader.GetGuid(1), expires)));
                }
            }

            await reader.NextResultAsync();
        }

        while (await reader.NextResultAsync())
        {
            // Read every result, so an error in the COMMIT surfaces here.
        }

        // Only now, committed, do the gold leases count as claims; a real lease the statement did not
        // write (it never should: its item was locked and checked) is not handed out.
        foreach (var (job, real) in golden)
        {
            foreach (var claims in job.Claims.Values)
            {
                claims.RemoveAll(c => real.Contains(c.AssignmentId) && !written.Contains(c.AssignmentId));
            }
        }

        foreach (var (job, worker, claim) in gold)
        {
            job.Claims[worker].Add(claim);
        }
    }

    /// <summary>
    /// Decides, for each worker of the job whose gold the claim checks, whether they are blocked and
    /// whether this claim is a gold item; returns those who drew one and hold no lease (one item,
    /// whatever they asked for).
    /// </summary>
    private static List<string> DrawGold(JobClaims job)
    {
        var drawing = new List<string>();
        if (job.Policy is null)
        {
            return drawing;
        }

        foreach (var worker in job.GoldChecked)
        {
            var (goldAnswers, blocked) = job.Records.GetValueOrDefault(worker);
            var ticket = Quality.Gold.GoldDraw.Decide(job.Policy, goldAnswers, blocked, job.Claims[worker].Count > 0, Random.Shared.NextDouble());
            job.Tickets[worker] = ticket;
            if (ticket.Draw)
            {
                drawing.Add(worker);
            }
        }

        return drawing;
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

    /// <summary>One job's share of a claim transaction: who wants how many (and whose gold to check), and what the reads found.</summary>
    private sealed class JobClaims(Guid id, Dictionary<string, int> wanted, HashSet<string> goldChecked)
    {
        public Guid Id { get; } = id;

        public Dictionary<string, int> Wanted { get; } = wanted;

        public HashSet<string> GoldChecked { get; } = goldChecked;

        public Quality.Gold.QualityPolicy? Policy { get; set; }

        /// <summary>Each checked worker's gold answers in the job so far, and whether they are blocked.</summary>
        public Dictionary<string, (int GoldAnswers, bool Blocked)> Records { get; } = [];

        /// <summary>What the claim decided for each checked worker.</summary>
        public Dictionary<string, Quality.Gold.GoldTicket> Tickets { get; } = [];

        public Dictionary<string, List<Claim>> Claims { get; } = wanted.Keys.ToDictionary(w => w, _ => new List<Claim>());

        public List<(Guid Id, int Remaining)> Candidates { get; } = [];

        public HashSet<(Guid Item, string Worker)> Seen { get; } = [];

        public string? Status { get; set; }

        public int LeaseMinutes { get; set; }
    }
}
