using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts.ApiKeys;

/// <summary>What to do with a request that carries an idempotency key.</summary>
public abstract record IdempotencyClaim
{
    /// <summary>The first time: do it, then <see cref="IdempotentRequests.CompleteAsync"/> (or <see cref="IdempotentRequests.AbandonAsync"/> if it failed unexpectedly).</summary>
    public sealed record First : IdempotencyClaim;

    /// <summary>Done before: send this answer again.</summary>
    public sealed record Replay(int StatusCode, string? Body, string? Location) : IdempotencyClaim;

    /// <summary>Refused: the key is in use by another request, or by one still under way.</summary>
    public sealed record Refused(Error Error) : IdempotencyClaim;
}

/// <summary>Keeps create requests done once per idempotency key and organisation (<see cref="IdempotentRequest"/>).</summary>
public sealed class IdempotentRequests(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private static readonly string ClaimSql = Sql.Named("Accounts/ApiKeys/IdempotentRequests.sql", "Claim");

    public async Task<IdempotencyClaim> ClaimAsync(Guid organisationId, string key, string requestHash, CancellationToken ct = default)
    {
        if (key.Length is 0 or > IdempotentRequest.MaxKeyLength || key.Any(char.IsControl))
        {
            return new IdempotencyClaim.Refused(Error.Validation($"An Idempotency-Key is 1 to {IdempotentRequest.MaxKeyLength} printable characters, such as a UUID."));
        }

        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var taken = await Sql.ExecuteAsync(db.Database, ClaimSql, ct, organisationId, key, requestHash, now, now - IdempotentRequest.KeptFor);
        if (taken > 0)
        {
            return new IdempotencyClaim.First();
        }

        var earlier = await db.IdempotentRequests.AsNoTracking().SingleAsync(r => r.OrganisationId == organisationId && r.Key == key, ct);
        return earlier switch
        {
            _ when earlier.RequestHash != requestHash => new IdempotencyClaim.Refused(new Error(
                "idempotency_key_reused", "This Idempotency-Key was used with a different request. Use a new key for a new request.")),
            { StatusCode: null } => new IdempotencyClaim.Refused(new Error(
                "idempotency_in_progress", "A request with this Idempotency-Key is still under way. Retry when it has finished.")),
            _ => new IdempotencyClaim.Replay(earlier.StatusCode.Value, earlier.ResponseBody, earlier.Location),
        };
    }

    public async Task CompleteAsync(Guid organisationId, string key, int statusCode, string? body, string? location, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await db.IdempotentRequests
            .Where(r => r.OrganisationId == organisationId && r.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, statusCode).SetProperty(r => r.ResponseBody, body).SetProperty(r => r.Location, location), ct);

        // The organisation's answers older than a day are no longer kept.
        var expired = clock.GetUtcNow() - IdempotentRequest.KeptFor;
        await db.IdempotentRequests.Where(r => r.OrganisationId == organisationId && r.CreatedAt < expired).ExecuteDeleteAsync(ct);
    }

    /// <summary>The request failed before it finished (an outage, a cancelled call): the key is free for a retry.</summary>
    public async Task AbandonAsync(Guid organisationId, string key)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.IdempotentRequests.Where(r => r.OrganisationId == organisationId && r.Key == key && r.StatusCode == null).ExecuteDeleteAsync();
    }
}
