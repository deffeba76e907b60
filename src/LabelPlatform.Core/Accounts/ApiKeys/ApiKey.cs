namespace LabelPlatform.Accounts.ApiKeys;

/// <summary>What a key may do: read everything of its organisation, or also change it (create, upload, launch, ...).</summary>
public enum ApiKeyScope
{
    Read,
    Write,
}

/// <summary>
/// A secret that lets a program act for an organisation. Only its SHA-256 is stored: the secret is
/// shown once, when it is issued. It acts as the researcher who issued it, so it stops working when
/// they leave the organisation or are locked.
/// </summary>
public sealed class ApiKey
{
    public const int MaxNameLength = 100;

    /// <summary>"lp_" and 43 characters of base64url (32 random bytes).</summary>
    public const string SecretPrefix = "lp_";

    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    public string CreatedByUserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>The secret's first characters, so a key can be told apart on the page and in logs without revealing it.</summary>
    public string Hint { get; set; } = "";

    /// <summary>Hex SHA-256 of the secret. The secret is random and long, so a plain hash suffices (no salt or stretching).</summary>
    public string SecretHash { get; set; } = "";

    public ApiKeyScope Scope { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When a request last used it, to the minute (it is written at most once a minute).</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}
