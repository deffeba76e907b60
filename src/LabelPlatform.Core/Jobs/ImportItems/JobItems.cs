using LabelPlatform.Data;
using LabelPlatform.Jobs.Progress;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.ImportItems;

internal static class JobItems
{
    /// <summary>
    /// Adds checked items to a job in one transaction, numbered after the items it already has,
    /// each with the job's answers per item as open slots; listeners hear of the change.
    /// </summary>
    public static async Task AppendAsync(IDbContextFactory<AppDbContext> dbFactory, Guid jobId, List<Item> items, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // Lock the job so two imports into it number their items one after the other.
        var job = await db.Jobs.FromSql($"SELECT * FROM jobs WHERE id = {jobId} FOR UPDATE").SingleAsync(ct);
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
