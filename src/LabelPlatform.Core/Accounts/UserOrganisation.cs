using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts;

/// <summary>The one way to ask which organisation a user belongs to (null for workers, reviewers, admins without one, and unknown users).</summary>
public static class UserOrganisation
{
    public static Task<Guid?> OrganisationOfAsync(this AppDbContext db, string? userId, CancellationToken ct = default) =>
        db.Users.Where(u => u.Id == userId).Select(u => u.OrganisationId).SingleOrDefaultAsync(ct);
}

/// <summary>The same question for callers without a context of their own (the pages' current user).</summary>
public sealed class FindUserOrganisation(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Guid?> HandleAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.OrganisationOfAsync(userId, ct);
    }
}
