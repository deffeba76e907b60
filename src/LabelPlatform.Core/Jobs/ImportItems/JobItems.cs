using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs.Progress;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.ImportItems;

internal static class JobItems
{
    /// <summary>
    /// Whether the organisation's job takes an upload of this sort (texts or images) now: not found,
    /// a job that no longer takes items, or the other sort of file, each with its message.
    /// </summary>
    public static async Task<Error?> CheckTargetAsync(
        IDbContextFactory<AppDbContext> dbFactory, Guid jobId, Guid organisationId, bool texts, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        if (!job.AcceptsItems)
        {
            return Error.Conflict($"A {job.Status.ToString().ToLowerInvariant()} job does not take new items.");
        }

        return (job.Kind.IsText(), texts) switch
        {
            (true, false) => Error.Validation("This is a text job: upload a CSV or JSONL file of texts, not a zip of images."),
            (false, true) => Error.Validation("This is an image job: upload a zip of images, not a file of texts."),
            _ => null,
        };
    }

    /// <summary>
    /// Adds checked items to a job in one transaction, numbered after the items it already has,
    /// each with the job's answers per item as open slots; listeners hear of the change.
    /// </summary>
    public static async Task AppendAsync(IDbContextFactory<AppDbContext> dbFactory, Guid jobId, List<Item> items, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // Lock the job so two imports into it number their items one after the other.
        var job = await db.Jobs.ForUpdate(jobId).SingleAsync(ct);
        if (!job.AcceptsItems)
        {
            throw new InvalidOperationException("The job stopped taking items during the import.");
        }

        var next = (await db.Items.Where(i => i.JobId == jobId).MaxAsync(i => (int?)i.Ordinal, ct) ?? -1) + 1;
        foreach (var item in items)
        {
            item.Ordinal = next++;
            item.RemainingSlots = job.AnswersPerItem;
        }

        db.Items.AddRange(items);
        job.ItemsAdded();
        await db.SaveChangesAsync(ct);
        await JobChanges.AnnounceAsync(db, jobId, ct);
        await tx.CommitAsync(ct);
    }
}
