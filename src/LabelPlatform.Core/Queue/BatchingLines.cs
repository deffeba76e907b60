using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Queue;

/// <summary>
/// Groups requests into lines: while a line's transaction runs, the requests that arrive wait, and
/// the line's next transaction serves them all. One transaction per line at a time in this
/// process; a transaction that loses a deadlock is retried. Callers hear back only after the commit.
/// </summary>
internal sealed class BatchingLines<TRequest, TResult>(
    Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> run, Func<int> maxBatch, ILogger logger)
{
    private readonly ConcurrentDictionary<int, Line> _lines = new();

    public Task<TResult> EnqueueAsync(int lineKey, TRequest request, CancellationToken ct)
    {
        var entry = new Entry(request);
        var line = _lines.GetOrAdd(lineKey, _ => new Line());
        line.Pending.Enqueue(entry);
        if (TryTakeTurn(line))
        {
            _ = Task.Run(() => DrainAsync(lineKey, line), CancellationToken.None);
        }

        return entry.Done.Task.WaitAsync(ct);
    }

    private static bool TryTakeTurn(Line line) => Interlocked.CompareExchange(ref line.Running, 1, 0) == 0;

    private async Task DrainAsync(int lineKey, Line line)
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
                Volatile.Write(ref line.Running, 0);

                // A request may have arrived between the last dequeue and the decrement: carry on if so.
                if (line.Pending.IsEmpty || !TryTakeTurn(line))
                {
                    return;
                }

                continue;
            }

            try
            {
                var results = await RunWithRetryAsync(lineKey, batch.Select(e => e.Request).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A batch of {Count} on line {Line} failed", batch.Count, lineKey);
                foreach (var entry in batch)
                {
                    entry.Done.TrySetException(e);
                }
            }
        }
    }

    private async Task<IReadOnlyList<TResult>> RunWithRetryAsync(int lineKey, IReadOnlyList<TRequest> requests)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await run(requests);
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure && attempt < 3)
            {
                logger.LogInformation("Retrying a batch on line {Line} after {SqlState}", lineKey, e.SqlState);
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
