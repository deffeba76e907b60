using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace LabelPlatform.Web.Api;

public sealed record LoginRequest(string Email, string Password, bool RememberMe);

public sealed record SignedIn(string Redirect);

/// <summary>
/// Sign-in endpoints the MudBlazor forms call with fetch: an interactive Blazor page cannot set a
/// cookie itself. They take JSON only, which a cross-site form cannot send.
/// </summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/account").DisableAntiforgery();
        group.MapPost("/login", LoginAsync);
        group.MapPost("/signup", SignUpAsync);
        group.MapPost("/logout", async (SignInManager<AppUser> signIn) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.Ok(new SignedIn("/"));
        });
    }

    private static async Task<Results<Ok<SignedIn>, ProblemHttpResult>> LoginAsync(LoginRequest request, SignInManager<AppUser> signIn)
    {
        var user = await signIn.UserManager.FindByEmailAsync(request.Email?.Trim() ?? "");
        if (user is null)
        {
            return WrongCredentials();
        }

        var result = await signIn.PasswordSignInAsync(user, request.Password ?? "", request.RememberMe, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            return TypedResults.Problem(
                "Too many failed attempts: this account is locked for 15 minutes.", statusCode: StatusCodes.Status423Locked, title: "Account locked");
        }

        if (!result.Succeeded)
        {
            return WrongCredentials();
        }

        var roles = await signIn.UserManager.GetRolesAsync(user);
        return TypedResults.Ok(new SignedIn(HomeFor(roles)));
    }

    private static async Task<Results<Ok<SignedIn>, ProblemHttpResult>> SignUpAsync(
        SignUpRequest request, SignUp signUp, SignInManager<AppUser> signIn)
    {
        var result = await signUp.HandleAsync(request);
        if (!result.IsSuccess)
        {
            return TypedResults.Problem(result.Error!.Message, statusCode: StatusCodes.Status400BadRequest, title: "Sign-up failed");
        }

        await signIn.SignInAsync(result.Value!, isPersistent: false);
        return TypedResults.Ok(new SignedIn(request.Kind == AccountKind.Researcher ? "/jobs" : "/work"));
    }

    public static string HomeFor(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet();
        return set.Contains(Roles.Admin) ? "/admin/users"
            : set.Contains(Roles.Researcher) ? "/jobs"
            : set.Contains(Roles.Reviewer) ? "/review"
            : "/work";
    }

    private static ProblemHttpResult WrongCredentials() =>
        TypedResults.Problem("The email or password is wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
}
