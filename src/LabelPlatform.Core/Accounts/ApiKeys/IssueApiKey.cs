using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts.ApiKeys;

/// <summary>A key just issued: the secret is here and nowhere else, ever.</summary>
public sealed record IssuedApiKey(ApiKey Key, string Secret);

/// <summary>Issues a key for the researcher's organisation.</summary>
public sealed class IssueApiKey(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Enough for a pipeline per environment; more usually means keys nobody revokes.</summary>
    public const int MaxActiveKeys = 20;

    public async Task<Result<IssuedApiKey>> HandleAsync(string userId, string name, ApiKeyScope scope, CancellationToken ct = default)
    {
        name = (name ?? "").Trim();
        if (name.Length is 0 or > ApiKey.MaxNameLength)
        {
            return Error.Validation($"Give the key a name of 1 to {ApiKey.MaxNameLength} characters, such as the pipeline that will use it.");
        }

        if (!Enum.IsDefined(scope))
        {
            return Error.Validation("A key's scope is read or write.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.OrganisationOfAsync(userId, ct) is not { } organisationId)
        {
            return Error.Forbidden("Only a researcher in an organisation can issue API keys.");
        }

        if (await db.ApiKeys.CountAsync(k => k.OrganisationId == organisationId && k.RevokedAt == null, ct) >= MaxActiveKeys)
        {
            return Error.Conflict($"Your organisation has {MaxActiveKeys} active keys, the most it may hold. Revoke one you no longer use first.");
        }

        var secret = ApiKey.SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            CreatedByUserId = userId,
            Name = name,
            Hint = secret[..(ApiKey.SecretPrefix.Length + 6)],
            SecretHash = Hash(secret),
            Scope = scope,
            CreatedAt = clock.GetUtcNow(),
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(ct);
        return new IssuedApiKey(key, secret);
    }

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
