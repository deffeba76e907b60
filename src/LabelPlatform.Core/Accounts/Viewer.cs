using System.Security.Claims;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts;

/// <summary>Who is asking for a file: their id, whether they are an admin or a reviewer, and a researcher's organisation.</summary>
public sealed record Viewer(string UserId, bool IsAdmin, Guid? OrganisationId, bool IsReviewer)
{
    public static async Task<Viewer?> OfAsync(AppDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null)
        {
            return null;
        }

        var orgId = user.IsInRole(Roles.Researcher)
            ? await db.OrganisationOfAsync(userId, ct)
            : null;
        return new Viewer(userId, user.IsInRole(Roles.Admin), orgId, user.IsInRole(Roles.Reviewer));
    }
}
