using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Queue;
using LabelPlatform.Review.Verdicts;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.Files;

/// <summary>
/// Who may see an item's file by its id: its organisation's researchers, reviewers while a
/// submission for it waits for a reviewer (flagged or disputed), and admins. Workers' and
/// reviewers' pages link by assignment instead (<see cref="AssignmentFiles"/>), so no id is shared
/// between them. Anyone else gets "not found", never a hint that it exists.
/// </summary>
public sealed class ItemAccess(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<ItemFile?> FindVisibleAsync(Guid itemId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await Viewer.OfAsync(db, user, ct) is not { } viewer)
        {
            return null;
        }

        var (userId, isAdmin, orgId, isReviewer) = viewer;
        return await db.Items
            .Where(i => i.Id == itemId)
            .Where(i => isAdmin
                || db.Jobs.Any(j => j.Id == i.JobId && j.OrganisationId == orgId)
                || (isReviewer && db.Assignments.Any(a => a.ItemId == i.Id && (a.ReviewState == ReviewState.NeedsReview || a.ReviewState == ReviewState.Disputed))))
            .Where(i => i.StorageKey != "")
            .Select(i => new ItemFile(i.StorageKey, i.ContentType, i.Width, i.Sha256))
            .SingleOrDefaultAsync(ct);
    }
}
