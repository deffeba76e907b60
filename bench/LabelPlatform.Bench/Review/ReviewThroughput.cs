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
/// <param name="Rounds">Slices the pipeline's run is cut into, with bare inference between them.</param>
public sealed record ReviewRunPlan(Guid JobId, string StorageRoot, IReadOnlyList<int> Batches, int Threads, bool Cold, int Rounds);

/// <summary>
/// Images per second through the product's review batch (<see cref="ReviewPending.RunOnceAsync"/>:
/// lock the answers, read the images, prepare, infer, save the verdicts) until the job's waiting
/// answers are drained, beside bare ONNX Runtime inference of the same model on tensors prepared
/// beforehand, with the same session (options, thread count) and batch size, in the same process.
/// Bare inference gets as many images as the pipeline, interleaved with it in slices.
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

        var bare = new BareInference(session, descriptor, store, keys);
        foreach (var batch in plan.Batches)
        {
            var (pipeline, bareRate) = await InterleavedAsync(services, dataSource, bare, plan.JobId, batch, (int)answers, plan.Rounds);
            Console.WriteLine($"batch {batch,3}: pipeline {pipeline,7:0.0} images/s, bare inference {bareRate,7:0.0} images/s, ratio {pipeline / bareRate:0.000}");
            Measure.Print("review_batch", ("batch", batch), ("pipeline_img_per_s", pipeline), ("bare_img_per_s", bareRate), ("ratio", pipeline / bareRate), ("answers", answers));
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

            var (pipeline, bareRate) = await InterleavedAsync(services, dataSource, bare, plan.JobId, batch, (int)answers, plan.Rounds);
            Console.WriteLine($"batch {batch,3}, no input copies: pipeline {pipeline,7:0.0} images/s, bare inference {bareRate,7:0.0} images/s, ratio {pipeline / bareRate:0.000}");
            Measure.Print("review_cold", ("batch", batch), ("pipeline_img_per_s", pipeline), ("bare_img_per_s", bareRate), ("ratio", pipeline / bareRate));
        }
    }

    /// <summary>
    /// The product's review loop, as ReviewJob runs it, until nothing waits, in <paramref name="rounds"/>
    /// slices with as many bare-inference images before each: a change in the machine's load during
    /// the run weighs on both alike. Returns images/s of each, counting only its own time.
    /// </summary>
    private static async Task<(double Pipeline, double Bare)> InterleavedAsync(
        IServiceProvider services, NpgsqlDataSource dataSource, BareInference bare, Guid jobId, int batch, int answers, int rounds)
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
        bare.Prepare(batch);
        var share = Math.Max(batch, answers / Math.Max(1, rounds));
        var (reviewed, bareImages) = (0, 0);
        var (pipelineTime, bareTime) = (TimeSpan.Zero, TimeSpan.Zero);
        var drained = false;
        while (!drained)
        {
            var clock = Stopwatch.StartNew();
            bareImages += bare.Run(share);
            bareTime += clock.Elapsed;

            clock.Restart();
            var target = reviewed + share;
            while (reviewed < target)
            {
                await using var scope = services.CreateAsyncScope();
                var count = await scope.ServiceProvider.GetRequiredService<ReviewPending>().RunOnceAsync();
                if (count == 0)
                {
                    drained = true;
                    break;
                }

                reviewed += count;
            }

            pipelineTime += clock.Elapsed;
        }

        var verdicts = await ScalarAsync<long>(dataSource, "SELECT count(*) FROM verdicts WHERE job_id = $1", jobId);
        if (reviewed != answers || verdicts != answers)
        {
            throw new InvalidOperationException($"Batch {batch}: {reviewed} answers reviewed and {verdicts} verdicts saved; {answers} were waiting.");
        }

        return (reviewed / pipelineTime.TotalSeconds, bareImages / bareTime.TotalSeconds);
    }

    /// <summary>session.Run alone on one tensor of prepared images, the product's session and options.</summary>
    private sealed class BareInference(InferenceSession session, ModelDescriptor model, IItemStore store, IReadOnlyList<string> keys)
    {
        private float[] _inputs = [];
        private int _batch;

        public void Prepare(int batch)
        {
            var perImage = ImagePreprocessor.ValuesPerImage(model);
            _batch = batch;
            _inputs = new float[batch * perImage];
            for (var i = 0; i < batch; i++)
            {
                var key = keys[i % keys.Count];
                var pixels = InputCopies.Read(store, key, model) ?? InputCopies.Make(store, key, model)!;
                ImagePreprocessor.WriteValues(pixels, model, _inputs.AsSpan(i * perImage, perImage));
            }

            Run(_batch);
        }

        /// <summary>Whole batches until at least <paramref name="images"/>; returns the images inferred.</summary>
        public int Run(int images)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(_inputs, [_batch, model.Channels, model.Height, model.Width]);
            using var runOptions = new RunOptions();
            var done = 0;
            while (done < images)
            {
                using var outputs = session.Run(runOptions, [model.InputName], [input], [model.OutputName!]);
                done += _batch;
            }

            return done;
        }
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
