using LabelPlatform.Common;
using LabelPlatform.Labelling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Queue.Submit;

/// <summary>
/// What a worker hears back: the same for a gold item as for any other (missed checks are told
/// later and in aggregate, by <see cref="Quality.Gold.WorkerFeedback"/>).
/// </summary>
public sealed record SubmitOutcome(bool JobCompleted);

/// <summary>
/// Records a worker's answer: the lease check and the write happen in one transaction, shared by
/// every submission waiting at that moment (<see cref="SubmitTransaction"/>). A double submit
/// stores one answer; a submission after the lease ran out is refused and returns the slot.
/// </summary>
public sealed class SubmitAnswer
{
    private readonly BatchingLines<SubmitRequest, Result<SubmitOutcome>> _batching;
    private readonly int _lines;

    public SubmitAnswer(QueueConnections connections, IOptions<QueueOptions> options, TimeProvider clock, ILogger<SubmitAnswer> logger)
    {
        _lines = Math.Clamp(options.Value.SubmitLines, 1, 255);
        _batching = new(
            requests => SubmitTransaction.RunAsync(connections.DataSource, requests, clock.GetUtcNow()),
            () => options.Value.MaxClaimBatch,
            logger);
    }

    /// <summary>Stores <paramref name="answer"/> (checked against the job's schema) for the worker's lease.</summary>
    public Task<Result<SubmitOutcome>> HandleAsync(Guid assignmentId, string workerId, Answer? answer, CancellationToken ct = default) =>
        // A few lines, each for any mix of jobs; an assignment always goes down the same line, so a
        // double submit is decided in one place. Lines that touch the same item may deadlock: retried.
        _batching.EnqueueAsync(LineFor(assignmentId), new SubmitRequest(assignmentId, workerId, answer), ct);

    private int LineFor(Guid assignmentId) => (int)((uint)assignmentId.GetHashCode() % (uint)_lines);
}
