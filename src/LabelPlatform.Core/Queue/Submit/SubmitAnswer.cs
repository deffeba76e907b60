using LabelPlatform.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Queue.Submit;

public sealed record SubmitOutcome(bool JobCompleted);

/// <summary>
/// Records a worker's answer: the lease check and the write happen in one transaction, shared by
/// every submission waiting at that moment (<see cref="SubmitTransaction"/>). A double submit
/// stores one answer; a submission after the lease ran out is refused and returns the slot.
/// </summary>
public sealed class SubmitAnswer
{
    private readonly PerJobBatching<SubmitRequest, Result<SubmitOutcome>> _batching;

    public SubmitAnswer(NpgsqlDataSource dataSource, IOptions<QueueOptions> options, TimeProvider clock, ILogger<SubmitAnswer> logger) =>
        _batching = new(
            (_, requests) => SubmitTransaction.RunAsync(dataSource, requests, clock.GetUtcNow()),
            () => options.Value.MaxClaimBatch,
            logger);

    public Task<Result<SubmitOutcome>> HandleAsync(Guid assignmentId, string workerId, string label, CancellationToken ct = default) =>
        // One line for all jobs: the transaction handles any mix, and finishing jobs lock in id order.
        _batching.EnqueueAsync(Guid.Empty, new SubmitRequest(assignmentId, workerId, label), ct);
}
