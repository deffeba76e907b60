using LabelPlatform.Common;
using Markdig;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;

namespace LabelPlatform.Labelling;

/// <summary>
/// Renders a job's Markdown instructions to HTML that is safe to show workers: no raw HTML, no
/// script links, and pictures only from the platform itself.
/// </summary>
public static class InstructionsMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseEmphasisExtras()
        .UsePipeTables()
        .UseAutoLinks()
        .Build();

    public static string ToHtml(string? markdown)
    {
        var document = Markdown.Parse(markdown ?? "", Pipeline);
        foreach (var link in document.Descendants<LinkInline>().ToList())
        {
            if (link.IsImage && !LocalPaths.IsOnThisSite(link.Url))
            {
                // A picture from another server would tell it who reads the instructions, and when.
                link.ReplaceBy(new LiteralInline($"[picture not shown: {AltText(link)}; only pictures uploaded to the platform are shown]"));
            }
            else if (!IsSafeUrl(link.Url))
            {
                link.Url = "#";
            }
        }

        foreach (var link in document.Descendants<AutolinkInline>())
        {
            if (!IsSafeUrl(link.Url))
            {
                link.Url = "#";
            }
        }

        return document.ToHtml(Pipeline);
    }

    private static string AltText(LinkInline image) =>
        string.Concat(image.Descendants<LiteralInline>().Select(l => l.Content.ToString())) is { Length: > 0 } alt ? alt : "no description";

    private static bool IsSafeUrl(string? url)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return true;
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.RelativeOrAbsolute, out var uri) || !uri.IsAbsoluteUri)
        {
            return !url.Contains(':', StringComparison.Ordinal);
        }

        return uri.Scheme is "http" or "https" or "mailto";
    }
}
