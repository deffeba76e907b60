using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Queue.ClaimNext;

/// <summary>
/// Serves the claims of many workers, on any mix of jobs, with one transaction
/// (<see cref="ClaimTransaction"/>). Every lease is committed before its worker hears of it.
/// Several processes share a job's items through <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed class ClaimBatcher
{
    private readonly BatchingLines<ClaimRequest, ClaimBatchOutcome> _lines;
    private readonly int _lineCount;

    public ClaimBatcher(QueueConnections connections, IOptions<QueueOptions> options, TimeProvider clock, ILogger<ClaimBatcher> logger)
    {
        _lineCount = Math.Clamp(options.Value.ClaimLines, 1, 64);
        _lines = new(
            async requests =>
            {
                var outcomes = await ClaimTransaction.RunAsync(connections.DataSource, requests, clock.GetUtcNow());
                return requests.Select(r => outcomes[(r.JobId, r.WorkerId)]).ToList();
            },
            () => options.Value.MaxClaimBatch,
            logger);
    }

    // A job always goes down the same line, so one process never races itself for a job's items.
    public Task<ClaimBatchOutcome> ClaimAsync(Guid jobId, string workerId, int count, bool checkGold, CancellationToken ct) =>
        _lines.EnqueueAsync(
            (int)((uint)jobId.GetHashCode() % (uint)_lineCount),
            new ClaimRequest(jobId, workerId, Math.Clamp(count, 1, QueueOptions.MaxItemsPerClaim), checkGold),
            ct);
}

/// <param name="CheckGold">Set for every claim in a job with gold (or blocks): the transaction reads the worker's record and decides.</param>
internal sealed record ClaimRequest(Guid JobId, string WorkerId, int Count, bool CheckGold = false);

/// <summary>
/// What one worker got from a batch: claims, or none, with the job's status when it is not
/// running; <paramref name="GoldNotReady"/> when they owe the qualification test and no gold item is left for them;
/// <paramref name="Blocked"/> when their record on the job's gold blocks them.
/// </summary>
public sealed record ClaimBatchOutcome(IReadOnlyList<Claim> Claims, string? NotRunningStatus, bool GoldNotReady = false, bool Blocked = false);
