using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Queue.ClaimNext;

public sealed record PoolClaim(Guid JobId, Claim Claim);

/// <summary>
/// "Give me the next task, any job": the highest priority first; among jobs of equal priority a
/// random one, so every job gets an equal share of the crowd however many items it has.
/// </summary>
public sealed class ClaimFromPool(NpgsqlDataSource dataSource, ClaimNextItem claimNext)
{
    // Reads only the partial index of open items, so finished jobs and history cost nothing.
    private const string OpenJobsSql = """
        SELECT j.id, j.priority FROM jobs j
        WHERE j.status = 'Running'
          AND EXISTS (SELECT 1 FROM items i WHERE i.job_id = j.id AND i.remaining_slots > 0)
        """;

    public async Task<Result<PoolClaim>> HandleAsync(string workerId, CancellationToken ct = default)
    {
        var jobs = new List<(Guid Id, int Priority)>();
        await using (var command = dataSource.CreateCommand(OpenJobsSql))
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                jobs.Add((reader.GetGuid(0), reader.GetInt32(1)));
            }
        }

        foreach (var job in Order(jobs, Random.Shared))
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
