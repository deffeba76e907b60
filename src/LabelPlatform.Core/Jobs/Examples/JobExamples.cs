using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Queue;
using LabelPlatform.Queue.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Jobs.Examples;

/// <summary>Adds, lists and removes a job's examples; pictures are checked like uploaded items.</summary>
public sealed class JobExamples(IDbContextFactory<AppDbContext> dbFactory, IItemStore store, IOptions<UploadLimits> limits, TimeProvider clock)
{
    public async Task<Result<JobExample>> AddAsync(Guid jobId, Guid organisationId, string caption, byte[]? picture, CancellationToken ct = default)
    {
        caption = caption?.Trim() ?? "";
        if (caption.Length == 0)
        {
            return Error.Validation("Write what the example shows: the right answer and why.");
        }

        if (caption.Length > JobExample.MaxCaptionLength)
        {
            return Error.Validation($"The caption is {caption.Length:N0} characters; keep it to {JobExample.MaxCaptionLength:N0}.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct))
        {
            return Error.NotFound("The job");
        }

        var count = await db.JobExamples.CountAsync(e => e.JobId == jobId, ct);
        if (count >= JobExample.MaxPerJob)
        {
            return Error.Conflict($"A job has at most {JobExample.MaxPerJob} examples; remove one first.");
        }

        var example = new JobExample { Id = Guid.CreateVersion7(), JobId = jobId, Caption = caption, Ordinal = count, CreatedAt = clock.GetUtcNow() };
        if (picture is not null)
        {
            if (picture.Length > limits.Value.MaxFileBytes)
            {
                return Error.Validation($"The picture is {picture.Length:N0} bytes; the limit is {limits.Value.MaxFileBytes:N0}.");
            }

            var (facts, problem) = ImageInspector.Inspect(picture, limits.Value.MaxPixels);
            if (facts is null)
            {
                return Error.Validation($"The picture cannot be used: {problem}.");
            }

            example.StorageKey = $"examples/{jobId:N}/{example.Id:N}{facts.Extension}";
            example.ContentType = facts.ContentType;
            (example.Width, example.Height) = (facts.Width, facts.Height);
            await store.PutAsync(example.StorageKey, picture, ct);
        }

        db.JobExamples.Add(example);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch
        {
            if (example.StorageKey is not null)
            {
                store.Delete(example.StorageKey);
            }

            throw;
        }

        return example;
    }

    public async Task<Error?> RemoveAsync(Guid jobId, Guid organisationId, Guid exampleId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var example = await db.JobExamples
            .Where(e => e.Id == exampleId && e.JobId == jobId && db.Jobs.Any(j => j.Id == jobId && j.OrganisationId == organisationId))
            .SingleOrDefaultAsync(ct);
        if (example is null)
        {
            return Error.NotFound("The example");
        }

        db.JobExamples.Remove(example);
        await db.SaveChangesAsync(ct);
        if (example.StorageKey is not null)
        {
            store.Delete(example.StorageKey);
        }

        return null;
    }

    public async Task<List<JobExample>> ListAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.JobExamples.AsNoTracking().Where(e => e.JobId == jobId).OrderBy(e => e.Ordinal).ThenBy(e => e.CreatedAt).ToListAsync(ct);
    }

    /// <summary>
    /// An example's picture for: the job's researchers, admins, and workers holding a live lease
    /// in the job (the workspace shows examples beside the item). Anyone else: not found.
    /// </summary>
    public async Task<ItemFile?> FindVisiblePictureAsync(Guid jobId, Guid exampleId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await Viewer.OfAsync(db, user, ct) is not { } viewer)
        {
            return null;
        }

        var (userId, isAdmin, orgId, _) = viewer;
        var now = clock.GetUtcNow();
        return await db.JobExamples
            .Where(e => e.Id == exampleId && e.JobId == jobId && e.StorageKey != null)
            .Where(e => isAdmin
                || db.Jobs.Any(j => j.Id == jobId && j.OrganisationId == orgId)
                || db.Assignments.Any(a => a.JobId == jobId && a.WorkerId == userId && a.Status == AssignmentStatus.Leased && a.LeaseExpiresAt > now))
            .Select(e => new ItemFile(e.StorageKey!, e.ContentType!, e.Width, e.Id.ToString("N")))
            .SingleOrDefaultAsync(ct);
    }
}
