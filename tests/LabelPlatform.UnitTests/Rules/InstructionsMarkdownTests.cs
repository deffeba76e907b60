using LabelPlatform.Labelling;

namespace LabelPlatform.UnitTests.Rules;

public class InstructionsMarkdownTests
{
    [Fact]
    public void ToHtml_Bold_RendersStrong()
    {
        Assert.Contains("<strong>only</strong>", InstructionsMarkdown.ToHtml("Label **only** the animal."));
    }

    [Fact]
    public void ToHtml_Null_RendersNothing()
    {
        Assert.Equal("", InstructionsMarkdown.ToHtml(null));
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("Before <script>alert(1)</script> after")]
    public void ToHtml_RawScript_IsEscapedNotATag(string markdown)
    {
        var html = InstructionsMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;", html);
    }

    [Fact]
    public void ToHtml_RawImageWithHandler_IsEscaped()
    {
        var html = InstructionsMarkdown.ToHtml("<img src=x onerror=alert(1)>");

        Assert.DoesNotContain("<img", html);
    }

    [Theory]
    [InlineData("[x](javascript:alert(1))")]
    [InlineData("[x](JavaScript:alert(1))")]
    [InlineData("[x](java&#115;cript:alert(1))")]
    [InlineData("[x][1]\n\n[1]: javascript:alert(1)")]
    [InlineData("[x](data:text/html;base64,PHNjcmlwdD4=)")]
    [InlineData("[x](vbscript:msgbox(1))")]
    public void ToHtml_ScriptLink_HrefIsNeutralised(string markdown)
    {
        var html = InstructionsMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("vbscript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"#\"", html);
    }

    [Theory]
    [InlineData("[guide](https://example.com/guide)", "href=\"https://example.com/guide\"")]
    [InlineData("[guide](http://example.com/guide)", "href=\"http://example.com/guide\"")]
    [InlineData("[mail us](mailto:help@example.com)", "href=\"mailto:help@example.com\"")]
    [InlineData("See https://example.com/faq for more.", "href=\"https://example.com/faq\"")]
    public void ToHtml_SafeLink_IsKept(string markdown, string expected)
    {
        Assert.Contains(expected, InstructionsMarkdown.ToHtml(markdown));
    }

    [Theory]
    [InlineData("guide.html")]
    [InlineData("/help")]
    [InlineData("#unclear-cases")]
    public void ToHtml_RelativeLink_IsKept(string url)
    {
        Assert.Contains($"href=\"{url}\"", InstructionsMarkdown.ToHtml($"[guide]({url})"));
    }

    [Theory]
    [InlineData("![a cat](https://tracker.example/pixel.png)")]
    [InlineData("![a cat](//tracker.example/pixel.png)")]
    [InlineData("![a cat](/\\tracker.example/pixel.png)")]
    [InlineData("![a cat](http://tracker.example/pixel.png)")]
    [InlineData("![a cat](javascript:alert(1))")]
    [InlineData("![a cat][p]\n\n[p]: https://tracker.example/pixel.png")]
    public void ToHtml_PictureFromAnotherServer_IsNotShown(string markdown)
    {
        var html = InstructionsMarkdown.ToHtml(markdown);

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("tracker.example", html, StringComparison.Ordinal);
        Assert.Contains("picture not shown: a cat", html, StringComparison.Ordinal);
    }

    [Fact]
    public void ToHtml_PictureUploadedToThePlatform_IsShown()
    {
        var html = InstructionsMarkdown.ToHtml("![right answer](/jobs/0f8fad5b-d9cb-469f-a165-70867728950e/examples/1/file)");

        Assert.Contains("<img src=\"/jobs/0f8fad5b-d9cb-469f-a165-70867728950e/examples/1/file\" alt=\"right answer\"", html, StringComparison.Ordinal);
    }
}
