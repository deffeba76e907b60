using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignIn;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace LabelPlatform.Web.Api;

public sealed record LoginRequest(string Email, string Password, bool RememberMe);

public sealed record SignedIn(string Redirect);

public sealed record AntiforgeryTokenResponse(string Token);

public sealed record ForgotPasswordRequest(string? Email);

public sealed record ResetPasswordRequest(string? Email, string? Token, string? Password);

public sealed record Done(string Message);

/// <summary>
/// Sign-in endpoints the MudBlazor forms call with fetch: an interactive Blazor page cannot set a
/// cookie itself. They take JSON only, which a cross-site form cannot send.
/// </summary>
public static class AccountApi
{
    public static void MapAccountApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/account").DisableAntiforgery();
        group.MapPost("/login", LoginAsync).RequireRateLimiting(RateLimits.SignIn);
        group.MapPost("/signup", SignUpAsync).RequireRateLimiting(RateLimits.SignUp);
        group.MapPost("/forgot", ForgotAsync).RequireRateLimiting(RateLimits.SignIn);
        group.MapPost("/reset", ResetAsync).RequireRateLimiting(RateLimits.SignIn);
        group.MapGet("/antiforgery", AntiforgeryToken);
        group.MapPost("/logout", LogoutAsync);
    }

    private static async Task<Results<Ok<SignedIn>, ProblemHttpResult>> LoginAsync(LoginRequest request, SignInUser signIn, HttpContext http)
    {
        var source = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var result = await signIn.HandleAsync(new SignInRequest(request.Email, request.Password, request.RememberMe, source), http.RequestAborted);
        if (result.Succeeded)
        {
            return TypedResults.Ok(new SignedIn(HomeFor(result.Roles)));
        }

        switch (result.Error!.Code)
        {
            case "too_many_attempts":
                http.Response.Headers.RetryAfter = ((int)result.RetryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(result.Error.Message, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts");
            case "locked":
                return TypedResults.Problem(result.Error.Message, statusCode: StatusCodes.Status403Forbidden, title: "Account locked");
            default:
                return TypedResults.Problem(result.Error.Message, statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");
        }
    }

    // The same answer whether or not the address has an account; the mail goes out in the background.
    private static async Task<Ok<Done>> ForgotAsync(ForgotPasswordRequest request, Accounts.PasswordReset.PasswordReset reset) =>
        TypedResults.Ok(new Done(await reset.RequestAsync(request.Email)));

    private static async Task<Results<Ok<Done>, ProblemHttpResult>> ResetAsync(ResetPasswordRequest request, Accounts.PasswordReset.PasswordReset reset)
    {
        var error = await reset.ResetAsync(request.Email, request.Token, request.Password);
        return error is null
            ? TypedResults.Ok(new Done("Your password is changed. Sign in with it now; other sessions of your account end within a minute."))
            : TypedResults.Problem(error.Message, statusCode: StatusCodes.Status400BadRequest, title: "Password not changed");
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

    /// <summary>
    /// The token a page sends back with sign-out. Another site cannot read it (no CORS), so it
    /// cannot sign anyone out, not even with a form that the browser sends with the cookie.
    /// </summary>
    private static Ok<AntiforgeryTokenResponse> AntiforgeryToken(IAntiforgery antiforgery, HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new AntiforgeryTokenResponse(antiforgery.GetAndStoreTokens(http).RequestToken!));
    }

    private static async Task<Results<Ok<SignedIn>, ProblemHttpResult>> LogoutAsync(SignInManager<AppUser> signIn, IAntiforgery antiforgery, HttpContext http)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return TypedResults.Problem("Sign out from the site's own page.", statusCode: StatusCodes.Status400BadRequest, title: "Sign-out refused");
        }

        await signIn.SignOutAsync();
        return TypedResults.Ok(new SignedIn("/"));
    }

    public static string HomeFor(IEnumerable<string> roles)
    {
        var set = roles.ToHashSet();
        return set.Contains(Roles.Admin) ? "/admin/users"
            : set.Contains(Roles.Researcher) ? "/jobs"
            : set.Contains(Roles.Reviewer) ? "/review"
            : "/work";
    }
}
