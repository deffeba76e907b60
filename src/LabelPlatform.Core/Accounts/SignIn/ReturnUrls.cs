using LabelPlatform.Common;

namespace LabelPlatform.Accounts.SignIn;

/// <summary>Where sign-in may send the browser afterwards: a path on this site only (<see cref="LocalPaths"/>).</summary>
public static class ReturnUrls
{
    public const int MaxLength = LocalPaths.MaxLength;

    /// <summary>True for a path on this site (<c>/jobs/…?x=1</c>) that sign-in may go back to.</summary>
    public static bool IsLocal(string? url) => LocalPaths.IsOnThisSite(url);

    /// <summary>The page to go to after signing in: <paramref name="requested"/> when it is local and not an account page, else <paramref name="home"/>.</summary>
    public static string AfterSignIn(string? requested, string home) =>
        IsLocal(requested) && requested!.Length > 1 && !requested.StartsWith("/account/", StringComparison.OrdinalIgnoreCase) ? requested : home;
}
