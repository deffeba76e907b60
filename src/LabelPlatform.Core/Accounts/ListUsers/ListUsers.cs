using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts.ListUsers;

/// <summary>One account as the admin's user list shows it.</summary>
public sealed record UserSummary(string Id, string? Email, string DisplayName, string? Organisation, List<string> Roles, bool Locked);

/// <summary>Every account with its roles and organisation, for the admin's user list (the page is admin-only).</summary>
public sealed class ListUsers(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<List<UserSummary>> HandleAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        return await db.Users.OrderBy(u => u.Email)
            .Select(u => new UserSummary(u.Id, u.Email, u.DisplayName, u.Organisation!.Name,
                db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name!).ToList(),
                u.LockoutEnd != null && u.LockoutEnd > now))
            .ToListAsync(ct);
    }
}

/// <summary>Organisations by name, for the admin's forms that pick one.</summary>
public sealed record OrganisationChoice(Guid Id, string Name);

public sealed class ListOrganisations(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<List<OrganisationChoice>> HandleAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Organisations.AsNoTracking().OrderBy(o => o.Name).Select(o => new OrganisationChoice(o.Id, o.Name)).ToListAsync(ct);
    }
}

/// <summary>An account named by its id or its e-mail address (any case), for forms where a person types one.</summary>
public sealed class FindAccount(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<string?> HandleAsync(string? idOrEmail, CancellationToken ct = default)
    {
        idOrEmail = idOrEmail?.Trim();
        if (string.IsNullOrEmpty(idOrEmail))
        {
            return null;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var normalised = idOrEmail.ToUpperInvariant();
        return await db.Users.Where(u => u.Id == idOrEmail || u.NormalizedEmail == normalised).Select(u => u.Id).FirstOrDefaultAsync(ct);
    }
}
