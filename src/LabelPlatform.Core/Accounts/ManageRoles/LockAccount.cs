using LabelPlatform.Common;
using Microsoft.AspNetCore.Identity;

namespace LabelPlatform.Accounts.ManageRoles;

/// <summary>
/// Admins lock an account (it cannot sign in, and its open sessions and live pages end within a
/// minute: the security stamp changes) or unlock it.
/// </summary>
public sealed class LockAccount(UserManager<AppUser> users)
{
    public async Task<Error?> HandleAsync(string userId, bool locked)
    {
        var user = await users.FindByIdAsync(userId);
        if (user is null)
        {
            return Error.NotFound("The user");
        }

        var result = await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
        if (result.Succeeded && locked)
        {
            result = await users.UpdateSecurityStampAsync(user);
        }

        return result.Succeeded ? null : Error.Conflict(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
