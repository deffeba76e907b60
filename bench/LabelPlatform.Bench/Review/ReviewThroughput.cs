using System.Diagnostics;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Inputs;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Npgsql;

namespace LabelPlatform.Bench.Review;

/// <param name="Batches">Review:BatchSize values, one pipeline run and one bare run each.</param>
/// <param name="Cold">Also run the pipeline at the largest batch size with the input copies deleted first.</param>
public sealed record ReviewRunPlan(Guid JobId, string StorageRoot, IReadOnlyList<int> Batches, int Threads, bool Cold);

/// <summary>
/// Images per second through the product's review batch (<see cref="ReviewPending.RunOnceAsync"/>:
/// lock the answers, read the images, prepare, infer, save the verdicts) until the job's waiting
/// answers are drained, beside bare ONNX Runtime inference of the same model on tensors prepared
/// beforehand, with the same session (options, thread count) and batch size, in the same process.
/// Bare inference gets as many images as the pipeline, half just before and half just after it.
/// </summary>
public static class ReviewThroughput
{
    private const string ResetSql = """
        DELETE FROM verdicts WHERE job_id = $1;
        UPDATE assignments SET review_state = 'Pending' WHERE job_id = $1 AND review_state IS NOT NULL;
        """;

    public static async Task RunAsync(string connectionString, ReviewRunPlan plan)
    {
        using var host = await ReviewHost.StartAsync(connectionString, plan.StorageRoot, plan.Threads);
        var services = host.Services;
        var dataSource = services.GetRequiredService<NpgsqlDataSource>();
        var store = services.GetRequiredService<IItemStore>();
        var (sha, modelKey, descriptor) = await ModelAsync(dataSource, plan.JobId);
        var keys = await ItemKeysAsync(dataSource, plan.JobId);
        var answers = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM assignments WHERE job_id = $1 AND review_state IS NOT NULL", plan.JobId);
        var session = services.GetRequiredService<OnnxSessions>().Get(sha, () => ReadAll(store, modelKey));
        Console.WriteLine($"{answers} answers over {keys.Count} items; ONNX Runtime {OrtEnv.Instance().GetVersionString()} on CPU, {plan.Threads} intra-op threads");

        var results = new List<(int Batch, double Pipeline, double Bare)>();
        foreach (var batch in plan.Batches)
        {
            // Half the bare runs before the pipeline's and half after, so a change in the machine's
            // load during the run weighs on both alike.
            var bareBefore = Bare(session, descriptor, store, keys, batch, (int)answers / 2);
            var pipeline = await PipelineAsync(services, dataSource, plan.JobId, batch, (int)answers);
            var bareAfter = Bare(session, descriptor, store, keys, batch, (int)answers / 2);
            var bare = 2 / ((1 / bareBefore) + (1 / bareAfter));
            Console.WriteLine($"batch {batch,3}: pipeline {pipeline,7:0.0} images/s, bare inference {bare,7:0.0} images/s, ratio {pipeline / bare:0.000}");
            Measure.Print("review_batch", ("batch", batch), ("pipeline_img_per_s", pipeline), ("bare_img_per_s", bare), ("ratio", pipeline / bare), ("answers", answers));
            results.Add((batch, pipeline, bare));
        }

        if (plan.Cold)
        {
            // What the review costs when every image is decoded and resized from the original
            // (the copies are made again on the way, as the worker does for a missing copy).
            var batch = plan.Batches.Max();
            var copies = Path.Combine(plan.StorageRoot, "review");
            if (Directory.Exists(copies))
            {
                Directory.Delete(copies, recursive: true);
            }

            var pipeline = await PipelineAsync(services, dataSource, plan.JobId, batch, (int)answers);
            var bare = results.Single(r => r.Batch == batch).Bare;
            Console.WriteLine($"batch {batch,3}, no input copies: pipeline {pipeline,7:0.0} images/s, ratio {pipeline / bare:0.000} to the bare inference above");
            Measure.Print("review_cold", ("batch", batch), ("pipeline_img_per_s", pipeline), ("bare_img_per_s", bare), ("ratio", pipeline / bare));
        }
    }

    /// <summary>The product's review loop, as ReviewJob runs it, until nothing waits.</summary>
    private static async Task<double> PipelineAsync(IServiceProvider services, NpgsqlDataSource dataSource, Guid jobId, int batch, int answers)
    {
        await using (var reset = dataSource.CreateCommand(ResetSql.Replace("$1", $"'{jobId}'", StringComparison.Ordinal)))
        {
            await reset.ExecuteNonQueryAsync();
        }

        await using (var vacuum = dataSource.CreateCommand("VACUUM ANALYZE assignments, verdicts"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        // Review:BatchSize is read on every batch; the options instance is the process's one.
        services.GetRequiredService<IOptions<ReviewOptions>>().Value.BatchSize = batch;
        var clock = Stopwatch.StartNew();
        var reviewed = 0;
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var count = await scope.ServiceProvider.GetRequiredService<ReviewPending>().RunOnceAsync();
            if (count == 0)
            {
                break;
            }

            reviewed += count;
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var verdicts = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM verdicts WHERE job_id = $1", jobId);
        if (reviewed != answers || verdicts != answers)
        {
            throw new InvalidOperationException($"Batch {batch}: {reviewed} answers reviewed and {verdicts} verdicts saved; {answers} were waiting.");
        }

        return reviewed / seconds;
    }

    /// <summary>session.Run alone on one tensor of <paramref name="batch"/> prepared images, as many images as the pipeline reviews.</summary>
    private static double Bare(InferenceSession session, ModelDescriptor model, IItemStore store, IReadOnlyList<string> keys, int batch, int images)
    {
        var perImage = ImagePreprocessor.ValuesPerImage(model);
        var inputs = new float[batch * perImage];
        for (var i = 0; i < batch; i++)
        {
            var pixels = InputCopies.Read(store, keys[i % keys.Count], model) ?? InputCopies.Make(store, keys[i % keys.Count], model)!;
            ImagePreprocessor.WriteValues(pixels, model, inputs.AsSpan(i * perImage, perImage));
        }

        using var input = OrtValue.CreateTensorValueFromMemory(inputs, [batch, model.Channels, model.Height, model.Width]);
        using var runOptions = new RunOptions();
        void RunOnce()
        {
            using var outputs = session.Run(runOptions, [model.InputName], [input], [model.OutputName!]);
        }

        RunOnce();
        var runs = (images + batch - 1) / batch;
        var clock = Stopwatch.StartNew();
        for (var r = 0; r < runs; r++)
        {
            RunOnce();
        }

        return runs * batch / clock.Elapsed.TotalSeconds;
    }

    private static async Task<(string Sha, string Key, ModelDescriptor Descriptor)> ModelAsync(NpgsqlDataSource dataSource, Guid jobId)
    {
        await using var command = dataSource.CreateCommand("SELECT sha256, storage_key, descriptor::text FROM review_models WHERE job_id = $1 ORDER BY version DESC LIMIT 1");
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            throw new InvalidOperationException($"Job {jobId} has no model.");
        }

        return (reader.GetString(0), reader.GetString(1), ReviewModel.FromJson(reader.GetString(2))!);
    }

    private static async Task<List<string>> ItemKeysAsync(NpgsqlDataSource dataSource, Guid jobId)
    {
        await using var command = dataSource.CreateCommand("SELECT storage_key FROM items WHERE job_id = $1 ORDER BY ordinal");
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync())
        {
            keys.Add(reader.GetString(0));
        }

        return keys;
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlDataSource dataSource, string sql, Guid jobId)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private static byte[] ReadAll(IItemStore store, string key)
    {
        using var stream = store.OpenRead(key) ?? throw new FileNotFoundException(key);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
