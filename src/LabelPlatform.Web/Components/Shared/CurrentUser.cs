using System.Security.Claims;
using LabelPlatform.Accounts;
using Microsoft.AspNetCore.Components.Authorization;

namespace LabelPlatform.Web.Components.Shared;

public sealed record UserContext(string UserId, Guid? OrganisationId);

/// <summary>Who is using this circuit, and their organisation; read once per circuit.</summary>
public sealed class CurrentUser(AuthenticationStateProvider auth, FindUserOrganisation organisationOf)
{
    private UserContext? _user;

    public async Task<UserContext> GetAsync()
    {
        if (_user is not null)
        {
            return _user;
        }

        var principal = (await auth.GetAuthenticationStateAsync()).User;
        var id = principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not signed in.");
        var orgId = await organisationOf.HandleAsync(id);
        return _user = new UserContext(id, orgId);
    }
}
