using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Queue;

/// <summary>
/// Groups requests per job: while one transaction for a job runs, the requests that arrive wait,
/// and the next transaction serves them all. One transaction per job at a time in this process;
/// a transaction that loses a deadlock is retried. Callers hear back only after the commit.
/// </summary>
internal sealed class PerJobBatching<TRequest, TResult>(
    Func<Guid, IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> run, Func<int> maxBatch, ILogger logger, int transactionsPerJob = 1)
{
    private readonly ConcurrentDictionary<Guid, Line> _lines = new();

    public Task<TResult> EnqueueAsync(Guid jobId, TRequest request, CancellationToken ct)
    {
        var entry = new Entry(request);
        var line = _lines.GetOrAdd(jobId, _ => new Line());
        line.Pending.Enqueue(entry);
        if (TryTakeTurn(line))
        {
            _ = Task.Run(() => DrainAsync(jobId, line), CancellationToken.None);
        }

        return entry.Done.Task.WaitAsync(ct);
    }

    /// <summary>At most <c>transactionsPerJob</c> drainers per line: while one commits, the next batch forms and starts.</summary>
    private bool TryTakeTurn(Line line)
    {
        while (true)
        {
            var running = Volatile.Read(ref line.Running);
            if (running >= transactionsPerJob)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref line.Running, running + 1, running) == running)
            {
                return true;
            }
        }
    }

    private async Task DrainAsync(Guid jobId, Line line)
    {
        while (true)
        {
            var batch = new List<Entry>();
            var limit = maxBatch();
            while (batch.Count < limit && line.Pending.TryDequeue(out var next))
            {
                batch.Add(next);
            }

            if (batch.Count == 0)
            {
                Interlocked.Decrement(ref line.Running);

                // A request may have arrived between the last dequeue and the decrement: carry on if so.
                if (line.Pending.IsEmpty || !TryTakeTurn(line))
                {
                    return;
                }

                continue;
            }

            try
            {
                var results = await RunWithRetryAsync(jobId, batch.Select(e => e.Request).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A batch of {Count} for job {JobId} failed", batch.Count, jobId);
                foreach (var entry in batch)
                {
                    entry.Done.TrySetException(e);
                }
            }
        }
    }

    private async Task<IReadOnlyList<TResult>> RunWithRetryAsync(Guid jobId, IReadOnlyList<TRequest> requests)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await run(jobId, requests);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 3)
            {
                logger.LogInformation("Retrying a batch for job {JobId} after {SqlState}", jobId, e.SqlState);
            }
        }
    }

    private sealed record Entry(TRequest Request)
    {
        public TaskCompletionSource<TResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Line
    {
        public readonly ConcurrentQueue<Entry> Pending = new();

        public int Running;
    }
}
