using Microsoft.AspNetCore.Identity;

namespace LabelPlatform.Accounts;

public sealed class AppUser : IdentityUser
{
    public string DisplayName { get; set; } = "";

    /// <summary>Researchers belong to one organisation; workers belong to none.</summary>
    public Guid? OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
