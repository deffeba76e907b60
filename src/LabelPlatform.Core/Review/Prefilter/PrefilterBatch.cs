using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Review.Prefilter;

/// <summary>
/// One batch of a pre-filter run: the next items the run has not seen, one inference, and in one
/// transaction each item's pre-annotation and machine label with the run's progress. The job row is
/// share-locked, so a launch waits for the batch and the next batch sees the launch and stops.
/// </summary>
public sealed class PrefilterBatch(
    NpgsqlDataSource dataSource, OnnxSessions sessions, IItemStore store, Inputs.ReviewInputs reviewInputs, IOptions<ReviewOptions> options, TimeProvider clock)
{
    private static readonly string RunJobSql = Sql.Named("Review/Prefilter/PrefilterBatch.sql", "RunJob");
    private static readonly string JobSql = Sql.Named("Review/Prefilter/PrefilterBatch.sql", "Job");

    private static readonly string RunSql = Sql.Named("Review/Prefilter/PrefilterBatch.sql", "Run");

    private static readonly string ItemsSql = Sql.Named("Review/Prefilter/PrefilterBatch.sql", "Items");

    // Gold items keep their known answer and stay out of the crowd's queue: the model only pre-annotates them.
    private static readonly string WriteItemsSql = Sql.Named("Review/Prefilter/PrefilterBatch.sql", "WriteItems");

    private static readonly string ProgressSql = Sql.Named("Review/Prefilter/PrefilterBatch.sql", "Progress");

    private static readonly string FinishSql = Sql.Named("Review/Prefilter/PrefilterBatch.sql", "Finish");

    /// <summary>Goes over the next batch; returns how many items it saw (0: the run is over).</summary>
    public async Task<int> RunOnceAsync(Guid runId, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var runReader = Sql.Command(connection, tx, RunSql, runId);
        Guid jobId;
        PrefilterRequest request;
        string sha, modelKey;
        ModelDescriptor descriptor;
        await using (var reader = await runReader.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct) || reader.GetString(1) != nameof(PrefilterStatus.Running))
            {
                return 0;
            }

            jobId = reader.GetGuid(0);
            request = new PrefilterRequest(reader.GetFloat(2), reader.GetFloat(3), reader.GetBoolean(4));
            (sha, modelKey) = (reader.GetString(5), reader.GetString(6));
            descriptor = ReviewModel.FromJson(reader.GetString(7)) ?? throw new InvalidDataException($"The model of pre-filter run {runId} has an unreadable descriptor.");
        }

        var (status, answersPerItem) = await ReadJobAsync(connection, tx, jobId, ct);
        if (status is not (nameof(JobStatus.Draft) or nameof(JobStatus.Ready)))
        {
            await FinishAsync(connection, tx, runId, jobId, PrefilterStatus.Stopped, $"The job was launched before the model finished; the items it had not seen go to people.", ct);
            await tx.CommitAsync(ct);
            return 0;
        }

        var batch = new List<(Guid Id, string StorageKey, int Width, int Height, bool Gold)>();
        await using (var items = Sql.Command(connection, tx, ItemsSql))
        {
            items.Parameters.Add(new() { Value = jobId });
            items.Parameters.Add(new() { Value = runId });
            items.Parameters.Add(new() { Value = Math.Max(1, options.Value.BatchSize) });
            await using var reader = await items.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                batch.Add((reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetBoolean(4)));
            }
        }

        if (batch.Count == 0)
        {
            await FinishAsync(connection, tx, runId, jobId, PrefilterStatus.Completed, null, ct);
            await tx.CommitAsync(ct);
            return 0;
        }

        var results = await PredictAsync(batch, descriptor, sessions.Get(sha, () => store.ReadAll(modelKey)), request, ct);
        await using (var write = Sql.Command(connection, tx, WriteItemsSql))
        {
            write.Parameters.Add(new() { Value = batch.Select(b => b.Id).ToArray() });
            write.Parameters.Add(new() { Value = results.Select(r => r.PreAnnotation).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            write.Parameters.Add(new() { Value = results.Select(r => r.MachineLabel).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            write.Parameters.Add(new() { Value = results.Select(r => r.Confidence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Real });
            write.Parameters.Add(new() { Value = results.Select(r => r.Audit).ToArray() });
            write.Parameters.Add(new() { Value = answersPerItem });
            write.Parameters.Add(new() { Value = runId });
            await write.ExecuteNonQueryAsync(ct);
        }

        await using (var progress = Sql.Command(connection, tx, ProgressSql))
        {
            progress.Parameters.Add(new() { Value = runId });
            progress.Parameters.Add(new() { Value = batch.Count });
            progress.Parameters.Add(new() { Value = results.Count(r => r.MachineLabel is not null && !r.Audit) });
            progress.Parameters.Add(new() { Value = results.Count(r => r.Audit) });
            progress.Parameters.Add(new() { Value = results.Count(r => r.Unreadable) });
            progress.Parameters.Add(new() { Value = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await progress.ExecuteNonQueryAsync(ct);
        }

        await JobChanges.AnnounceAsync(connection, tx, jobId, ct);

        await tx.CommitAsync(ct);
        return batch.Count;
    }

    /// <summary>Ends a run that cannot go on, with the reason the researcher sees.</summary>
    public async Task FailAsync(Guid runId, string message, CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using var find = Sql.Command(connection, tx, RunJobSql, runId);
        if (await find.ExecuteScalarAsync(ct) is Guid jobId)
        {
            await FinishAsync(connection, tx, runId, jobId, PrefilterStatus.Failed, message.Length > 500 ? message[..500] : message, ct);
        }

        await tx.CommitAsync(ct);
    }

    private sealed record ItemResult(string? PreAnnotation, string? MachineLabel, float? Confidence, bool Audit, bool Unreadable);

    private async Task<List<ItemResult>> PredictAsync(
        List<(Guid Id, string StorageKey, int Width, int Height, bool Gold)> batch, ModelDescriptor descriptor, Microsoft.ML.OnnxRuntime.InferenceSession session, PrefilterRequest request, CancellationToken ct)
    {
        var inputs = new float[batch.Count * ImagePreprocessor.ValuesPerImage(descriptor)];
        var readable = await reviewInputs.FillAsync(batch.ConvertAll(b => b.StorageKey), descriptor, inputs, ct);
        var geometries = batch.Select((b, i) => readable[i] ? ImageGeometry.For(descriptor, b.Width, b.Height) : null).ToArray();

        if (descriptor.Kind == ModelKind.Detection)
        {
            // Boxes are suggestions only: "sure" has no single confidence for a whole picture of objects.
            var detections = Detector.Run(session, descriptor, inputs, geometries);
            return [.. batch.Select((item, i) => geometries[i] is null
                ? new ItemResult(null, null, null, false, true)
                : new ItemResult(
                    Answer.WithBoxes(detections[i].Select(d => new BoundingBox(descriptor.LabelMap[d.ClassIndex], Math.Round(d.X, 1), Math.Round(d.Y, 1), Math.Round(d.W, 1), Math.Round(d.H, 1)))).ToJson(),
                    null,
                    null,
                    false,
                    false))];
        }

        var predictions = Classifier.Run(session, descriptor, inputs, batch.Count);
        return [.. batch.Select((item, i) =>
        {
            var p = predictions[i];
            if (geometries[i] is null)
            {
                return new ItemResult(null, null, null, false, true);
            }

            var preAnnotation = p.Label is null ? null : Answer.OneLabel(p.Label).ToJson();
            var sure = request.MachineLabels && !item.Gold && p.Label is not null && p.Confidence >= request.Threshold;
            return new ItemResult(preAnnotation, sure ? p.Label : null, p.Confidence, sure && AuditSample.Draws(item.Id, request.AuditShare), false);
        })];
    }

    private static async Task<(string Status, int AnswersPerItem)> ReadJobAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid jobId, CancellationToken ct)
    {
        await using var command = Sql.Command(connection, tx, JobSql, jobId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetInt32(1));
    }

    private async Task FinishAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid runId, Guid jobId, PrefilterStatus status, string? message, CancellationToken ct)
    {
        await using var finish = Sql.Command(connection, tx, FinishSql);
        finish.Parameters.Add(new() { Value = runId });
        finish.Parameters.Add(new() { Value = status.ToString() });
        finish.Parameters.Add(new() { Value = (object?)message ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Varchar });
        finish.Parameters.Add(new() { Value = clock.GetUtcNow(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await finish.ExecuteNonQueryAsync(ct);
        await JobChanges.AnnounceAsync(connection, tx, jobId, ct);
    }

}
