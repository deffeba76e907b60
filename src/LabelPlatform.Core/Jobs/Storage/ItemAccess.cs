using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Data;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.Storage;

public sealed record ItemFile(string StorageKey, string ContentType, int Width, string Sha256);

/// <summary>
/// Who may see an item's file: its organisation's researchers, a worker who holds a live lease on
/// it, and admins. Anyone else (a worker whose lease ran out, who answered it, who never had it)
/// gets "not found", never a hint that it exists. Item ids are random, so none can be guessed.
/// </summary>
public sealed class ItemAccess(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<ItemFile?> FindVisibleAsync(Guid itemId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var isAdmin = user.IsInRole(Roles.Admin);
        var orgId = user.IsInRole(Roles.Researcher)
            ? await db.Users.Where(u => u.Id == userId).Select(u => u.OrganisationId).SingleOrDefaultAsync(ct)
            : null;
        return await db.Items
            .Where(i => i.Id == itemId)
            .Where(i => isAdmin
                || db.Jobs.Any(j => j.Id == i.JobId && j.OrganisationId == orgId)
                || db.Assignments.Any(a => a.ItemId == i.Id && a.WorkerId == userId && a.Status == AssignmentStatus.Leased && a.LeaseExpiresAt > now))
            .Where(i => i.StorageKey != "")
            .Select(i => new ItemFile(i.StorageKey, i.ContentType, i.Width, i.Sha256))
            .SingleOrDefaultAsync(ct);
    }
}
