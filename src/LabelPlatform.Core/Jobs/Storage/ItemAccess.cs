using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.Storage;

public sealed record ItemFile(string StorageKey, string ContentType);

/// <summary>
/// Who may see an item's file: its organisation's researchers, a worker who holds or held an
/// assignment on it, and admins. Anyone else gets "not found", never a hint that it exists.
/// </summary>
public sealed class ItemAccess(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<ItemFile?> FindVisibleAsync(Guid itemId, ClaimsPrincipal user, CancellationToken ct = default)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var isAdmin = user.IsInRole(Roles.Admin);
        var orgId = user.IsInRole(Roles.Researcher)
            ? await db.Users.Where(u => u.Id == userId).Select(u => u.OrganisationId).SingleOrDefaultAsync(ct)
            : null;
        return await db.Items
            .Where(i => i.Id == itemId)
            .Where(i => isAdmin
                || db.Jobs.Any(j => j.Id == i.JobId && j.OrganisationId == orgId)
                || db.Assignments.Any(a => a.ItemId == i.Id && a.WorkerId == userId))
            .Select(i => new ItemFile(i.StorageKey, i.ContentType))
            .SingleOrDefaultAsync(ct);
    }
}
