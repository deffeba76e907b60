using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts.ApiKeys;

/// <summary>Revokes one of the organisation's keys: the next request with it is refused.</summary>
public sealed class RevokeApiKey(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Result<ApiKey>> HandleAsync(string userId, Guid keyId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var organisationId = await db.OrganisationOfAsync(userId, ct);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == keyId && k.OrganisationId == organisationId, ct);
        if (organisationId is null || key is null)
        {
            return Error.NotFound("The key");
        }

        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return key;
    }
}

/// <summary>The organisation's keys, active ones first, newest first (without their hashes).</summary>
public sealed class ListApiKeys(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<List<ApiKey>> HandleAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var organisationId = await db.OrganisationOfAsync(userId, ct);
        return organisationId is null
            ? []
            : await db.ApiKeys.AsNoTracking()
                .Where(k => k.OrganisationId == organisationId)
                .OrderBy(k => k.RevokedAt != null).ThenByDescending(k => k.CreatedAt)
                .Select(k => new ApiKey { Id = k.Id, OrganisationId = k.OrganisationId, CreatedByUserId = k.CreatedByUserId, Name = k.Name, Hint = k.Hint, Scope = k.Scope, CreatedAt = k.CreatedAt, LastUsedAt = k.LastUsedAt, RevokedAt = k.RevokedAt })
                .ToListAsync(ct);
    }
}
