using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Inputs;
using LabelPlatform.Review.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Review.Verdicts;

/// <summary>
/// One review batch: up to <c>Review:BatchSize</c> answers waiting for the same job's model, locked
/// with SKIP LOCKED (several workers share the queue), their images prepared in parallel from
/// model-sized copies (<see cref="ReviewInputs"/>), one batched inference, and every verdict
/// written in the same transaction that took the answers. A crash anywhere rolls the batch back to
/// waiting: nothing is lost and nothing is judged twice (a unique index on the verdict's assignment
/// is the last guard). An answer the model rejects on its own (where the job allows it) stops
/// counting and its slot goes back to the queue, as a reviewer's rejection does.
/// </summary>
public sealed class ReviewPending(
    NpgsqlDataSource dataSource, OnnxSessions sessions, IItemStore store, ReviewInputs reviewInputs, IOptions<ReviewOptions> options, TimeProvider clock, ILogger<ReviewPending> logger,
    Hangfire.IBackgroundJobClient? jobs = null)
{
    private static readonly string PickJobSql = Sql.Named("Review/Verdicts/ReviewPending.sql", "PickJob");

    private static readonly string LockBatchSql = Sql.Named("Review/Verdicts/ReviewPending.sql", "LockBatch");

    private static readonly string ModelSql = Sql.Named("Review/Verdicts/ReviewPending.sql", "Model");

    private static readonly string WriteSql = Sql.Named("Review/Verdicts/ReviewPending.sql", "Write");

    /// <summary>Reviews one batch; returns how many answers got a verdict (0: nothing was waiting).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Guid jobId;
        await using (var pick = Sql.Command(connection, tx, PickJobSql))
        {
            if (await pick.ExecuteScalarAsync(ct) is not Guid found)
            {
                return 0;
            }

            jobId = found;
        }

        var batch = new List<PendingAnswer>();
        await using (var lockBatch = Sql.Command(connection, tx, LockBatchSql))
        {
            lockBatch.Parameters.Add(new NpgsqlParameter { Value = jobId });
            lockBatch.Parameters.Add(new NpgsqlParameter { Value = Math.Max(1, options.Value.BatchSize) });
            await using var reader = await lockBatch.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                batch.Add(new(reader.GetGuid(0), reader.IsDBNull(1) ? "" : reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt32(4), reader.GetInt32(5)));
            }
        }

        Guid modelId;
        int version;
        string sha, modelKey;
        ModelDescriptor descriptor;
        ReviewPolicy policy;
        TaskKind jobKind;
        await using (var model = Sql.Command(connection, tx, ModelSql))
        {
            model.Parameters.Add(new NpgsqlParameter { Value = jobId });
            await using var reader = await model.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                throw new InvalidOperationException($"Job {jobId} has answers waiting for review but no model.");
            }

            (modelId, version, sha, modelKey) = (reader.GetGuid(0), reader.GetInt32(1), reader.GetString(2), reader.GetString(3));
            descriptor = ReviewModel.FromJson(reader.GetString(4)) ?? throw new InvalidOperationException($"Model {modelId} has an unreadable descriptor.");
            policy = ReviewPolicy.FromJson(reader.GetString(5));
            jobKind = Enum.Parse<TaskKind>(reader.GetString(6));
        }

        var session = sessions.Get(sha, () => store.ReadAll(modelKey));
        var inputs = new float[batch.Count * ImagePreprocessor.ValuesPerImage(descriptor)];
        var readable = await reviewInputs.FillAsync(batch.ConvertAll(a => a.StorageKey), descriptor, inputs, ct);

        // Where each image sits in the model's input follows from its size alone (kept at import).
        var geometries = batch.Select((a, i) => readable[i] ? ImageGeometry.For(descriptor, a.Width, a.Height) : null).ToArray();

        // A model registered before kinds were checked against the job is no reason to stall the queue.
        IReadOnlyList<VerdictRow> rows = !ReviewModel.CanJudge(descriptor.Kind, jobKind) ? [.. batch.Select(a => VerdictRow.NotJudged(a.Id, descriptor.Kind, jobKind))]
            : descriptor.Kind == ModelKind.Detection ? DetectionVerdicts.Judge(session, descriptor, policy, batch, inputs, geometries)
            : ClassificationVerdicts.Judge(session, descriptor, policy, batch, inputs, geometries);
        var now = clock.GetUtcNow();

        await using (var write = Sql.Command(connection, tx, WriteSql))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = rows.Select(_ => Guid.CreateVersion7()).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.AssignmentId).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Outcome.ToString()).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Reason).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.ModelLabel).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Confidence).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Evidence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            write.Parameters.Add(new NpgsqlParameter { Value = jobId });
            write.Parameters.Add(new NpgsqlParameter { Value = modelId });
            write.Parameters.Add(new NpgsqlParameter { Value = version });
            write.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await write.ExecuteNonQueryAsync(ct);
        }

        // The model's acceptance makes an answer payable: the worker is paid in the same transaction.
        await Billing.Ledger.Earnings.PostAsync(connection, tx, rows.Where(r => r.Outcome == ReviewState.Accepted).Select(r => r.AssignmentId).ToList(), now, ct);

        // Dashboards and the reviewers' queue hear of the new verdicts once they are committed.
        await JobChanges.AnnounceAsync(connection, tx, jobId, ct);

        await tx.CommitAsync(ct);
        if (rows.Any(r => r.Outcome == ReviewState.Rejected))
        {
            Quality.FinalLabels.FinalLabelsQueue.Enqueue(jobs, jobId);
        }

        logger.LogInformation("Reviewed {Count} answers of job {JobId} with model version {Version}", rows.Count, jobId, version);
        return rows.Count;
    }

}
