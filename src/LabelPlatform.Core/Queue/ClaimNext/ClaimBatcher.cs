using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Queue.ClaimNext;

/// <summary>
/// Serves the claims of many workers on one job with one transaction (<see cref="ClaimTransaction"/>).
/// Every lease is committed before its worker hears of it. Several processes share a job's items
/// through <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed class ClaimBatcher
{
    private readonly PerJobBatching<ClaimRequest, ClaimBatchOutcome> _batching;

    public ClaimBatcher(NpgsqlDataSource dataSource, IOptions<QueueOptions> options, TimeProvider clock, ILogger<ClaimBatcher> logger) =>
        _batching = new(
            async (jobId, requests) =>
            {
                var outcomes = await ClaimTransaction.RunAsync(dataSource, jobId, requests, clock.GetUtcNow());
                return requests.Select(r => outcomes[r.WorkerId]).ToList();
            },
            () => options.Value.MaxClaimBatch,
            logger,
            options.Value.ClaimTransactionsPerJob);

    public Task<ClaimBatchOutcome> ClaimAsync(Guid jobId, string workerId, int count, CancellationToken ct) =>
        _batching.EnqueueAsync(jobId, new ClaimRequest(workerId, Math.Clamp(count, 1, QueueOptions.MaxItemsPerClaim)), ct);
}

internal sealed record ClaimRequest(string WorkerId, int Count);

/// <summary>What one worker got from a batch: claims, or none, with the job's status when it is not running.</summary>
public sealed record ClaimBatchOutcome(IReadOnlyList<Claim> Claims, string? NotRunningStatus);
