namespace LabelPlatform.Common;

/// <summary>
/// A path on this site and nothing else. Browsers read a backslash as a slash and drop tabs and
/// line breaks inside a URL, so <c>/\evil.test</c> and <c>/&#9;/evil.test</c> are another site to
/// them; anything but a plain local path (sign-in's way back, a picture in instructions) is refused.
/// </summary>
public static class LocalPaths
{
    public const int MaxLength = 2048;

    public static bool IsOnThisSite(string? url)
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
}
