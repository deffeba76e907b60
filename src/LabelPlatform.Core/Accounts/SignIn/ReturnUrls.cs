namespace LabelPlatform.Accounts.SignIn;

/// <summary>
/// Where sign-in may send the browser afterwards: a path on this site only. Browsers read a
/// backslash as a slash and drop tabs and line breaks inside a URL, so <c>/\evil.test</c> and
/// <c>/&#9;/evil.test</c> are another site to them; anything but a plain local path is refused.
/// </summary>
public static class ReturnUrls
{
    public const int MaxLength = 2048;

    /// <summary>True for a path on this site (<c>/jobs/…?x=1</c>) that sign-in may go back to.</summary>
    public static bool IsLocal(string? url)
    {
        if (string.IsNullOrEmpty(url) || url.Length > MaxLength || url[0] != '/')
        {
            return false;
        }

        if (url.Length > 1 && url[1] is '/' or '\\')
        {
            return false;
        }

        foreach (var c in url)
        {
            // Backslashes, whitespace and control characters have no place in a path we wrote.
            if (c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c) || c is '\u200B' or '\uFEFF')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The page to go to after signing in: <paramref name="requested"/> when it is local and not an account page, else <paramref name="home"/>.</summary>
    public static string AfterSignIn(string? requested, string home) =>
        IsLocal(requested) && requested!.Length > 1 && !requested.StartsWith("/account/", StringComparison.OrdinalIgnoreCase) ? requested : home;
}
