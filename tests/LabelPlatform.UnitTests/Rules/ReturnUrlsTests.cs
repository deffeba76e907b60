using LabelPlatform.Accounts.SignIn;

namespace LabelPlatform.UnitTests.Rules;

public class ReturnUrlsTests
{
    // Known open-redirect bypasses: each is another site (or a script) to some browser or to .NET's Uri.
    public static TheoryData<string> OtherSites() =>
    [
        "//evil.test",
        "///evil.test",
        "/\\evil.test",
        "/\\\\evil.test",
        "\\\\evil.test",
        "\\/evil.test",
        "/\t/evil.test",
        "/\n/evil.test",
        "/\r/evil.test",
        "/ /evil.test",
        "/\u0000/evil.test",
        "/\u200B/evil.test",
        "/jobs\\..\\..\\\\evil.test",
        "https://evil.test",
        "http:evil.test",
        "https:/evil.test",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.test",
        "~/evil",
        " /jobs",
        "",
        "/" + new string('a', ReturnUrls.MaxLength),
    ];

    [Theory]
    [MemberData(nameof(OtherSites))]
    public void IsLocal_KnownBypass_Refused(string url) => Assert.False(ReturnUrls.IsLocal(url));

    [Theory]
    [InlineData("/")]
    [InlineData("/jobs")]
    [InlineData("/jobs/0f8fad5b-d9cb-469f-a165-70867728950e?tab=quality")]
    [InlineData("/work/earnings?connect=done#payouts")]
    [InlineData("/%2F%2Fevil.test")] // a path on this site: browsers do not decode %2F into an authority
    public void IsLocal_PathOnThisSite_Accepted(string url) => Assert.True(ReturnUrls.IsLocal(url));

    [Theory]
    [InlineData(null, "/work")]
    [InlineData("/\\evil.test", "/work")]
    [InlineData("/account/login", "/work")]
    [InlineData("/ACCOUNT/signup", "/work")]
    [InlineData("/", "/work")]
    [InlineData("/jobs/new", "/jobs/new")]
    public void AfterSignIn_GoesBackOnlyToALocalPage(string? requested, string expected) =>
        Assert.Equal(expected, ReturnUrls.AfterSignIn(requested, "/work"));
}
