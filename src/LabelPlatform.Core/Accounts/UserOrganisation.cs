using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts;

/// <summary>The one way to ask which organisation a user belongs to (null for workers, reviewers, admins without one, and unknown users).</summary>
public static class UserOrganisation
{
    public static Task<Guid?> OrganisationOfAsync(this AppDbContext db, string? userId, CancellationToken ct = default) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.OrganisationId).SingleOrDefaultAsync(ct);
}
