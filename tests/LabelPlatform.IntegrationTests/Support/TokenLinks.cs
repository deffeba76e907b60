using System.Text.RegularExpressions;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>Links with tokens the platform hands out: those it mails (password reset, address confirmation), read back from the SMTP sink, and tokens changed by one character.</summary>
public static partial class TokenLinks
{
    /// <summary>The address and token of the link to <paramref name="path"/> ("/account/reset") in a mail's text.</summary>
    public static (string Email, string Token) Parse(string text, string path)
    {
        var link = Link().Matches(text).FirstOrDefault(m => m.Groups["path"].Value == path);
        Assert.True(link is not null, $"The mail holds no link to {path}: {text}");
        return (Uri.UnescapeDataString(link.Groups["email"].Value), Uri.UnescapeDataString(link.Groups["token"].Value));
    }

    /// <summary>The same token with one character changed (not the last, which base64 padding may make insignificant).</summary>
    public static string Tampered(string token, int at = -2) =>
        string.Create(token.Length, token, (chars, t) =>
        {
            t.CopyTo(chars);
            var i = at < 0 ? t.Length + at : at;
            chars[i] = t[i] == 'A' ? 'B' : 'A';
        });

    [GeneratedRegex(@"(?<path>/account/[a-z]+)\?email=(?<email>[^&\s]+)&token=(?<token>\S+)")]
    private static partial Regex Link();
}
