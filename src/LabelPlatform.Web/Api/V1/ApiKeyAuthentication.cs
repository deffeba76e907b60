using System.Security.Claims;
using System.Text.Encodings.Web;
using LabelPlatform.Accounts.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Web.Api.V1;

/// <summary>
/// <c>Authorization: Bearer lp_…</c> on the researchers' API. The request acts as the researcher who
/// issued the key, for the key's organisation, within its scope. Cookies do not count there: a page's
/// session cannot be used to call the API from another site.
/// </summary>
public sealed class ApiKeyAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, AuthenticateApiKey keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string OrganisationClaim = "lp:organisation";
    public const string KeyClaim = "lp:api_key";
    public const string ScopeClaim = "scope";
    public const string ReadPolicy = "api:read";
    public const string WritePolicy = "api:write";

    private const string FailureItem = "lp:api_key_failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return Fail("Send your API key as `Authorization: Bearer <key>`.");
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Fail("The Authorization header must be `Bearer <key>`.");
        }

        var caller = await keys.HandleAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (caller is null)
        {
            return Fail("The API key is not valid: it is mistyped, revoked, or the researcher who issued it is no longer in the organisation.");
        }

        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, caller.UserId),
            new(OrganisationClaim, caller.OrganisationId.ToString()),
            new(KeyClaim, caller.KeyId.ToString()),
            new(ScopeClaim, "read"),
        ];
        if (caller.Scope == ApiKeyScope.Write)
        {
            claims.Add(new(ScopeClaim, "write"));
        }

        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    private AuthenticateResult Fail(string why)
    {
        Context.Items[FailureItem] = why;
        return AuthenticateResult.Fail(why);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer realm=\"LabelPlatform API\"";
        await ApiProblems.Problem("unauthorized", Context.Items[FailureItem] as string ?? "An API key is required.").ExecuteAsync(Context);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        ApiProblems.Problem("insufficient_scope", "This key is read-only; issue a key with the write scope to change anything.").ExecuteAsync(Context);
}

/// <summary>The key's organisation and researcher, as the endpoints read them.</summary>
public static class ApiCallerClaims
{
    public static Guid OrganisationId(this ClaimsPrincipal user) => Guid.Parse(user.FindFirstValue(ApiKeyAuthentication.OrganisationClaim)!);

    public static string UserId(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;
}
