using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts.ApiKeys;

/// <summary>Who a request with this key acts as: the issuing researcher, for the key's organisation, within its scope.</summary>
public sealed record ApiCaller(Guid KeyId, Guid OrganisationId, string UserId, ApiKeyScope Scope);

/// <summary>
/// Finds the live key a secret belongs to. A key works while it is not revoked and the researcher who
/// issued it is still in its organisation, a researcher, and not locked.
/// </summary>
public sealed class AuthenticateApiKey(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Longer than any secret we issue; a longer header is refused without a lookup.</summary>
    public const int MaxSecretLength = 100;

    public async Task<ApiCaller?> HandleAsync(string secret, CancellationToken ct = default)
    {
        if (!secret.StartsWith(ApiKey.SecretPrefix, StringComparison.Ordinal) || secret.Length > MaxSecretLength)
        {
            return null;
        }

        var hash = IssueApiKey.Hash(secret);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var caller = await db.ApiKeys
            .Where(k => k.SecretHash == hash && k.RevokedAt == null)
            .Join(db.Users, k => k.CreatedByUserId, u => u.Id, (k, u) => new { k, u })
            .Where(x => x.u.OrganisationId == x.k.OrganisationId
                && (x.u.LockoutEnd == null || x.u.LockoutEnd < now)
                && db.UserRoles.Any(r => r.UserId == x.u.Id && db.Roles.Any(role => role.Id == r.RoleId && role.Name == Roles.Researcher)))
            .Select(x => new { x.k.Id, x.k.OrganisationId, x.k.CreatedByUserId, x.k.Scope, x.k.LastUsedAt })
            .FirstOrDefaultAsync(ct);
        if (caller is null)
        {
            return null;
        }

        // Last used to the minute: one write a minute per key, not one per request.
        if (caller.LastUsedAt is null || caller.LastUsedAt < now.AddMinutes(-1))
        {
            var cutoff = now.AddMinutes(-1);
            await db.ApiKeys
                .Where(k => k.Id == caller.Id && (k.LastUsedAt == null || k.LastUsedAt < cutoff))
                .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), ct);
        }

        return new ApiCaller(caller.Id, caller.OrganisationId, caller.CreatedByUserId, caller.Scope);
    }
}
