using System.Security.Claims;
using LabelPlatform.Accounts;

namespace LabelPlatform.Review.Batches;

public static class Reviewers
{
    /// <summary>The user's id when they may review (reviewers and admins), else null.</summary>
    public static string? IdOf(ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) is { } id && (user.IsInRole(Roles.Reviewer) || user.IsInRole(Roles.Admin)) ? id : null;
}
