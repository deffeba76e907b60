using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Queue.ClaimNext;

public sealed record Claim(Guid AssignmentId, Guid ItemId, DateTimeOffset LeaseExpiresAt);

/// <summary>
/// Hands a worker the next items of a job with a lease: the leases they already hold first (a
/// reload must not burn a slot), then the best open items they have never had.
/// </summary>
public sealed class ClaimNextItem(ClaimBatcher batcher, Quality.Gold.GoldDraw gold, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly Error NoWorkLeft = new("no_work", "There is nothing left for you in this job.");

    // The careful path for a job's last items: waits for rows other transactions hold instead of skipping them.
    private static readonly string ClaimOneWaitingSql = Sql.Named("Queue/ClaimNext/ClaimNextItem.sql", "ClaimOneWaiting");

    public async Task<Result<Claim>> HandleAsync(Guid jobId, string workerId, CancellationToken ct = default)
    {
        var claims = await HandleBatchAsync(jobId, workerId, 1, ct);
        return claims.IsSuccess ? claims.Value![0] : claims.Error!;
    }

    /// <summary>Up to <paramref name="count"/> items (at most <see cref="QueueOptions.MaxItemsPerClaim"/>) for fast task types.</summary>
    public async Task<Result<IReadOnlyList<Claim>>> HandleBatchAsync(Guid jobId, string workerId, int count, CancellationToken ct = default)
    {
        // Gold items are mixed in one claim at a time, at the job's rate, and a blocked worker gets
        // nothing: decided inside the claim transaction, for jobs with gold or blocks.
        var checkGold = await gold.RelevantAsync(jobId, ct);
        var outcome = await batcher.ClaimAsync(jobId, workerId, count, checkGold, ct);
        if (outcome.Blocked)
        {
            return Quality.Gold.GoldDraw.Blocked;
        }

        if (outcome.GoldNotReady)
        {
            return Quality.Gold.GoldDraw.QualificationNotReady;
        }

        if (outcome.NotRunningStatus is { } status)
        {
            return status == "missing"
                ? Error.NotFound("The job")
                : Error.Conflict($"This job is {status.ToLowerInvariant()} and hands out no work.");
        }

        if (outcome.Claims.Count > 0)
        {
            return Result<IReadOnlyList<Claim>>.Ok(outcome.Claims);
        }

        // The batch saw no item for this worker among the rows it could lock; before saying there
        // is nothing left, look at every open item, waiting for rows that others hold.
        var last = await ClaimOneWaitingAsync(jobId, workerId, ct);
        return last is null ? NoWorkLeft : Result<IReadOnlyList<Claim>>.Ok([last]);
    }

    private async Task<Claim?> ClaimOneWaitingAsync(Guid jobId, string workerId, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        await using var command = Sql.Command(dataSource, ClaimOneWaitingSql, jobId, workerId, id, clock.GetUtcNow());
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? new Claim(id, reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(1)) : null;
    }
}
