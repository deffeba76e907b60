using LabelPlatform.Data;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Review.Inputs;

/// <summary>
/// Makes the model-sized copy of every image of a job that lacks one, for the job's newest model:
/// run when a model version is saved and after items are imported into a job that has a model.
/// Items that already have their copy are skipped, so running it twice costs only the checks.
/// </summary>
public sealed class MakeInputCopies(IDbContextFactory<AppDbContext> dbFactory, IItemStore store, ILogger<MakeInputCopies> logger)
{
    /// <returns>How many copies were made.</returns>
    public async Task<int> RunAsync(Guid jobId, int parallelism = 0, CancellationToken ct = default)
    {
        ModelDescriptor? model;
        List<string> keys;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var json = await db.ReviewModels.Where(m => m.JobId == jobId).OrderByDescending(m => m.Version)
                .Select(m => m.DescriptorJson).FirstOrDefaultAsync(ct);
            model = json is null ? null : ReviewModel.FromJson(json);
            if (model is null)
            {
                return 0;
            }

            keys = await db.Items.Where(i => i.JobId == jobId && i.Text == null && i.StorageKey != "")
                .OrderBy(i => i.Ordinal).Select(i => i.StorageKey).ToListAsync(ct);
        }

        var made = 0;
        var options = new ParallelOptions
        {
            CancellationToken = ct,
            MaxDegreeOfParallelism = parallelism > 0 ? parallelism : Environment.ProcessorCount,
        };
        await Parallel.ForEachAsync(keys, options, async (key, token) =>
        {
            var copyKey = InputCopies.Key(key, model);
            using (var existing = store.OpenRead(copyKey))
            {
                if (existing is not null)
                {
                    return;
                }
            }

            // An unreadable image gets no copy; the review says so when it comes to it.
            if (InputCopies.Make(store, key, model) is { } copy)
            {
                await store.PutAsync(copyKey, copy, token);
                Interlocked.Increment(ref made);
            }
        });

        logger.LogInformation("Made {Count} model-sized input copies for job {JobId} ({Width}x{Height} {Resize})", made, jobId, model.Width, model.Height, model.Resize);
        return made;
    }
}
