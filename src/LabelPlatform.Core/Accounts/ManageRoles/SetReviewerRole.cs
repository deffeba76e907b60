using LabelPlatform.Common;
using Microsoft.AspNetCore.Identity;

namespace LabelPlatform.Accounts.ManageRoles;

/// <summary>Admins grant or withdraw the Reviewer role; no other role is handed out by hand.</summary>
public sealed class SetReviewerRole(UserManager<AppUser> users)
{
    public async Task<Error?> HandleAsync(string userId, bool reviewer)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Error.NotFound("The user");
        }

        var has = await users.IsInRoleAsync(user, Roles.Reviewer);
        if (has == reviewer)
        {
            return null;
        }

        var result = reviewer ? await users.AddToRoleAsync(user, Roles.Reviewer) : await users.RemoveFromRoleAsync(user, Roles.Reviewer);
        return result.Succeeded ? null : Error.Conflict(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
