using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Queue.ClaimNext;

/// <summary>
/// Serves the claims of many workers on one job with one transaction: while a transaction runs,
/// the claims that arrive wait and all go into the next one. Every lease is committed before its
/// worker hears of it. Per job, one transaction at a time in this process; several processes
/// share the work through <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed class ClaimBatcher(NpgsqlDataSource dataSource, IOptions<QueueOptions> options, TimeProvider clock, ILogger<ClaimBatcher> logger)
{
    private readonly ConcurrentDictionary<Guid, JobLine> _lines = new();

    public Task<ClaimBatchOutcome> ClaimAsync(Guid jobId, string workerId, int count, CancellationToken ct)
    {
        var request = new ClaimRequest(workerId, Math.Clamp(count, 1, QueueOptions.MaxItemsPerClaim));
        var line = _lines.GetOrAdd(jobId, _ => new JobLine());
        line.Pending.Enqueue(request);
        if (Interlocked.CompareExchange(ref line.Running, 1, 0) == 0)
        {
            _ = Task.Run(() => DrainAsync(jobId, line), CancellationToken.None);
        }

        return request.Done.Task.WaitAsync(ct);
    }

    private async Task DrainAsync(Guid jobId, JobLine line)
    {
        while (true)
        {
            var batch = new List<ClaimRequest>();
            while (batch.Count < options.Value.MaxClaimBatch && line.Pending.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                Volatile.Write(ref line.Running, 0);

                // A claim may have arrived between the last dequeue and the reset: take the line back if so.
                if (line.Pending.IsEmpty || Interlocked.CompareExchange(ref line.Running, 1, 0) != 0)
                {
                    return;
                }

                continue;
            }

            try
            {
                var outcomes = await ClaimTransaction.RunAsync(dataSource, jobId, batch, clock.GetUtcNow());
                foreach (var request in batch)
                {
                    request.Done.TrySetResult(outcomes[request.WorkerId]);
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A claim batch of {Count} for job {JobId} failed", batch.Count, jobId);
                foreach (var request in batch)
                {
                    request.Done.TrySetException(e);
                }
            }
        }
    }

    private sealed class JobLine
    {
        public readonly ConcurrentQueue<ClaimRequest> Pending = new();

        public int Running;
    }
}

internal sealed record ClaimRequest(string WorkerId, int Count)
{
    public TaskCompletionSource<ClaimBatchOutcome> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>What one worker got from a batch: claims, or none, with the job's status when it is not running.</summary>
public sealed record ClaimBatchOutcome(IReadOnlyList<Claim> Claims, string? NotRunningStatus);
