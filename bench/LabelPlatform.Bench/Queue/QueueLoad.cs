using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace LabelPlatform.Bench.Queue;

public sealed record LoadPlan(int Workers, TimeSpan Warmup, TimeSpan Measure);

/// <summary>
/// Simulated workers: each claims one task, submits it, claims the next, until the window ends.
/// Cycles count when their submit returns inside the measured window; claim latency is taken
/// for every claim that starts inside it. Workers are spread over the running jobs and move to
/// the next job when theirs has nothing left for them. The workers are good ones: they answer the
/// jobs' gold items right (the bench knows which they are; a worker cannot tell), so nobody is
/// blocked and every answer is accepted and paid at submit.
/// </summary>
public static class QueueLoad
{
    private static readonly string[] Labels = ["cat", "dog"];

    public static async Task RunAsync(string connectionString, LoadPlan plan)
    {
        var (jobs, gold) = await RunningJobsAsync(connectionString);
        if (jobs.Count == 0)
        {
            throw new InvalidOperationException("No running jobs: run queue-prepare first.");
        }

        // Async workers hardly need threads, but a few spare ones keep the pool from ramping up slowly.
        ThreadPool.SetMinThreads(Math.Max(Environment.ProcessorCount * 4, 16), Math.Max(Environment.ProcessorCount * 4, 16));
        await using var queue = await ProductQueue.StartAsync(connectionString);
        var errors = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var start = Stopwatch.GetTimestamp();
        var from = start + (long)(plan.Warmup.TotalSeconds * Stopwatch.Frequency);
        var until = from + (long)(plan.Measure.TotalSeconds * Stopwatch.Frequency);

        var workers = Enumerable.Range(0, plan.Workers)
            .Select(w => Task.Run(() => WorkAsync(queue, jobs, gold, w, from, until, errors)))
            .ToArray();
        var results = await Task.WhenAll(workers);

        var claims = results.SelectMany(r => r.ClaimMs).Order().ToList();
        var submits = results.SelectMany(r => r.SubmitMs).Order().ToList();
        var cycles = results.Sum(r => r.Cycles);
        var seconds = plan.Measure.TotalSeconds;
        var starved = results.Count(r => r.Starved);
        var errorCount = errors.Values.Sum();
        Console.WriteLine($"ours: {plan.Workers} workers, {cycles:N0} cycles in {seconds:0.#} s = {cycles / seconds:N0}/s; " +
            $"claim p50 {Measure.Percentile(claims, 50):0.00} ms p99 {Measure.Percentile(claims, 99):0.00} ms; " +
            $"submit p50 {Measure.Percentile(submits, 50):0.00} ms p99 {Measure.Percentile(submits, 99):0.00} ms");
        foreach (var (code, count) in errors.OrderByDescending(e => e.Value))
        {
            Console.WriteLine($"  error {count,7:N0} x {code}");
        }

        if (starved > 0)
        {
            Console.WriteLine($"  WARNING: {starved} workers ran out of work; seed more open items (BENCH_OPEN_ITEMS).");
        }

        Measure.Print("ours", ("workers", plan.Workers), ("cycles", cycles), ("seconds", seconds),
            ("cycles_per_s", cycles / seconds),
            ("p50_claim_ms", Measure.Percentile(claims, 50)), ("p99_claim_ms", Measure.Percentile(claims, 99)),
            ("p50_submit_ms", Measure.Percentile(submits, 50)), ("p99_submit_ms", Measure.Percentile(submits, 99)),
            ("errors", errorCount), ("starved", starved));
    }

    private static async Task<WorkerResult> WorkAsync(
        ProductQueue queue, IReadOnlyList<Guid> jobs, HashSet<Guid> gold, int index, long from, long until, ConcurrentDictionary<string, int> errors)
    {
        var result = new WorkerResult();
        var workerId = BenchIds.Worker(index);
        var job = index % jobs.Count;
        var dryJobs = 0;
        var label = Labels[index % Labels.Length];
        while (Stopwatch.GetTimestamp() < until)
        {
            var claimStart = Stopwatch.GetTimestamp();
            try
            {
                var claim = await queue.ClaimAsync(jobs[job], workerId);
                var claimEnd = Stopwatch.GetTimestamp();
                if (claimStart >= from)
                {
                    result.ClaimMs.Add(Stopwatch.GetElapsedTime(claimStart, claimEnd).TotalMilliseconds);
                }

                if (claim.ErrorCode == ClaimOutcome.NoWork)
                {
                    job = (job + 1) % jobs.Count;
                    if (++dryJobs == jobs.Count)
                    {
                        result.Starved = true;
                        break;
                    }

                    continue;
                }

                if (claim.ErrorCode is not null)
                {
                    errors.AddOrUpdate("claim " + claim.ErrorCode, 1, (_, n) => n + 1);
                    continue;
                }

                dryJobs = 0;
                var submitError = await queue.SubmitAsync(claim.AssignmentId, workerId, gold.Contains(claim.ItemId) ? QueueSeeder.GoldLabel : label);
                var submitEnd = Stopwatch.GetTimestamp();
                if (submitError is not null)
                {
                    errors.AddOrUpdate("submit " + submitError, 1, (_, n) => n + 1);
                    continue;
                }

                if (claimStart >= from)
                {
                    result.SubmitMs.Add(Stopwatch.GetElapsedTime(claimEnd, submitEnd).TotalMilliseconds);
                }

                if (submitEnd >= from && submitEnd <= until)
                {
                    result.Cycles++;
                }
            }
            catch (Exception e)
            {
                // Counted and shown, not fatal: a real worker would retry after a moment.
                errors.AddOrUpdate("exception " + e.GetType().Name + ": " + FirstLine(e.Message), 1, (_, n) => n + 1);
                await Task.Delay(50);
            }
        }

        return result;
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    private static async Task<(IReadOnlyList<Guid> Jobs, HashSet<Guid> Gold)> RunningJobsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var ids = new List<Guid>();
        await using (var command = new NpgsqlCommand("SELECT id FROM jobs WHERE status = 'Running' ORDER BY name", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        var gold = new HashSet<Guid>();
        await using (var command = new NpgsqlCommand("SELECT i.id FROM items i JOIN jobs j ON j.id = i.job_id WHERE j.status = 'Running' AND i.gold_answer IS NOT NULL", connection))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                gold.Add(reader.GetGuid(0));
            }
        }

        return (ids, gold);
    }

    private sealed class WorkerResult
    {
        public List<double> ClaimMs { get; } = [];

        public List<double> SubmitMs { get; } = [];

        public int Cycles { get; set; }

        public bool Starved { get; set; }
    }
}
