using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Queue.ClaimNext;

public sealed record PoolClaim(Guid JobId, Claim Claim);

/// <summary>
/// "Give me the next task, any job": the lease the worker already holds, if any (a reload must not
/// burn a slot); otherwise the highest priority first, and among jobs of equal priority a random
/// one, so every job gets an equal share of the crowd however many items it has.
/// </summary>
public sealed class ClaimFromPool(NpgsqlDataSource dataSource, ClaimNextItem claimNext, TimeProvider clock)
{
    // Reads only the partial index of open items, so finished jobs and history cost nothing. A job
    // where the worker holds a live lease counts even with no open slot: that lease is their next task.
    private static readonly string OpenJobsSql = Sql.Named("Queue/ClaimNext/ClaimFromPool.sql", "OpenJobs");

    public async Task<Result<PoolClaim>> HandleAsync(string workerId, CancellationToken ct = default)
    {
        var jobs = new List<(Guid Id, int Priority)>();
        var held = new List<Guid>();
        await using (var command = Sql.Command(dataSource, OpenJobsSql, workerId, clock.GetUtcNow()))
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (reader.GetBoolean(2))
                {
                    held.Add(reader.GetGuid(0));
                }
                else
                {
                    jobs.Add((reader.GetGuid(0), reader.GetInt32(1)));
                }
            }
        }

        foreach (var job in held.Concat(Order(jobs, Random.Shared)))
        {
            var claim = await claimNext.HandleAsync(job, workerId, ct);
            if (claim.IsSuccess)
            {
                return new PoolClaim(job, claim.Value!);
            }
        }

        return new Error("no_work", "There is no work for you right now. New jobs appear as researchers launch them.");
    }

    /// <summary>Priority descending; shuffled within a priority.</summary>
    public static IEnumerable<Guid> Order(IEnumerable<(Guid Id, int Priority)> jobs, Random random) =>
        jobs.GroupBy(j => j.Priority)
            .OrderByDescending(g => g.Key)
            .SelectMany(g => g.Select(j => j.Id).OrderBy(_ => random.Next()));
}
