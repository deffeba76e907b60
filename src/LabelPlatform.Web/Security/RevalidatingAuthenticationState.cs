using System.Security.Claims;
using LabelPlatform.Accounts;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Web.Security;

/// <summary>
/// A live page (a Blazor circuit) checks its user against the database every
/// <c>Auth:RevalidateSeconds</c> (60 by default), as the sign-in cookie does: a locked account
/// or a changed security stamp ends it, and changed roles take effect without signing in again
/// (a new reviewer sees the review queue).
/// </summary>
public sealed class RevalidatingAuthenticationState(
    ILoggerFactory loggers, IServiceScopeFactory scopes, IOptions<IdentityOptions> identity, IOptions<SecurityStampValidatorOptions> cookieChecks)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    // As often as the sign-in cookie is checked (at least once a second).
    protected override TimeSpan RevalidationInterval { get; } = TimeSpan.FromSeconds(Math.Max(1, cookieChecks.Value.ValidationInterval.TotalSeconds));

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        RevalidateAsync(authenticationState.User);

    /// <summary>False when the user's session must end; refreshes the page's user when only their roles changed.</summary>
    public async Task<bool> RevalidateAsync(ClaimsPrincipal principal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.GetUserAsync(principal);
        if (user is null || await users.IsLockedOutAsync(user))
        {
            return false;
        }

        var stamp = principal.FindFirstValue(identity.Value.ClaimsIdentity.SecurityStampClaimType);
        if (stamp != await users.GetSecurityStampAsync(user))
        {
            return false;
        }

        var fresh = await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(user);
        if (!Roles(fresh).SetEquals(Roles(principal)))
        {
            SetAuthenticationState(Task.FromResult(new AuthenticationState(fresh)));
        }

        return true;
    }

    private static HashSet<string> Roles(ClaimsPrincipal principal) =>
        principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
}
