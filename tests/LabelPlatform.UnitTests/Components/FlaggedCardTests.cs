using Bunit;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Flagged;
using LabelPlatform.UnitTests.Review;
using LabelPlatform.Web.Components.Reviewing;

namespace LabelPlatform.UnitTests.Components;

public class FlaggedCardTests : ComponentTestContext
{
    private static FlaggedSubmission Flagged(string? label, string? answerJson, string? modelLabel, string evidence) => new(
        Guid.NewGuid(), Guid.NewGuid(), "Digits", Guid.NewGuid(), "digits/0001.png", label, answerJson, DateTimeOffset.UtcNow,
        "model says 7 (0.97)", modelLabel, 0.97f, 2, evidence, DateTimeOffset.UtcNow);

    [Fact]
    public void Classification_ShowsAnswerReasonModelAndTopClasses()
    {
        var submission = Flagged("1", Answer.OneLabel("1").ToJson(), "7", """{"top":[{"label":"7","classIndex":7,"probability":0.97},{"label":"1","classIndex":1,"probability":0.02}]}""");

        var card = Render<FlaggedCard>(p => p.Add(x => x.Submission, submission).Add(x => x.ImageLink, "/review/files/sealed?w=256").Add(x => x.ShowModel, true));

        Assert.Equal("/review/files/sealed?w=256", card.Find("img").GetAttribute("src"));
        Assert.Equal("Worker's answer: 1", card.Find(".lp-worker-answer").TextContent.Trim());
        Assert.Equal("model says 7 (0.97)", card.Find(".lp-reason").TextContent.Trim());
        Assert.Contains("Model (version 2) says 7 with confidence 0.97", card.Find(".lp-model-opinion").TextContent);
        Assert.Equal(["7 0.97", "1 0.02"], card.FindAll(".lp-evidence-class").Select(c => string.Join(' ', c.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))));
    }

    [Fact]
    public void Detection_ShowsBoxCountAndMatchedPairsWithTheirIoU()
    {
        var boxes = Answer.WithBoxes([new BoundingBox("coin", 10, 20, 30, 40), new BoundingBox("cat", 1, 2, 3, 4)]);

        var card = Render<FlaggedCard>(p => p.Add(x => x.Submission, Flagged(null, boxes.ToJson(), null, VerdictEvidenceTests.DetectionEvidence)).Add(x => x.ImageLink, "/review/files/sealed?w=256").Add(x => x.ShowModel, true));

        Assert.Equal("Worker's answer: 2 boxes: coin, cat", card.Find(".lp-worker-answer").TextContent.Trim());
        Assert.Contains("Model (version 2), score 0.97", card.Find(".lp-model-opinion").TextContent);
        var matched = card.Find("[data-evidence='matched']");
        Assert.Equal(["label", "iou", "score", "worker", "model"], matched.QuerySelectorAll("th").Select(th => th.TextContent));
        Assert.Equal("0.8123", matched.QuerySelectorAll("td")[1].TextContent);
        Assert.Contains("missed: none", card.Find(".lp-evidence").TextContent);
    }

    [Fact]
    public void WhileReviewing_ShowsTheItemAndTheAnswerButNothingOfTheModelOrTheItemsName()
    {
        var flagged = Flagged("1", Answer.OneLabel("1").ToJson(), "7", """{"top":[{"label":"7","classIndex":7,"probability":0.97}]}""");
        var audit = flagged with { AssignmentId = Guid.NewGuid(), Reason = "audit sample (model agrees, 0.99)", ModelLabel = "1", Confidence = 0.99f, Evidence = """{"top":[{"label":"1","classIndex":1,"probability":0.99}]}""" };
        var gold = flagged with { AssignmentId = Guid.NewGuid(), Reason = "", ModelLabel = null, Confidence = 0, ModelVersion = 0, Evidence = "{}", ItemName = "gold/0001.png" };

        var markup = new[] { flagged, audit, gold }
            .Select(s => Render<FlaggedCard>(p => p.Add(x => x.Submission, s).Add(x => x.ImageLink, $"/review/files/{Guid.NewGuid():N}?w=256")))
            .Select(card => (card.Markup, Card: card))
            .ToList();

        foreach (var (html, card) in markup)
        {
            Assert.Empty(card.FindAll(".lp-reason, .lp-model-opinion, .lp-evidence"));
            Assert.DoesNotContain("gold", html);
            Assert.DoesNotContain("0001.png", html);
            Assert.Equal("Worker's answer: 1", card.Find(".lp-worker-answer").TextContent.Trim());
        }

        // Apart from the assignment and the item (which every card has its own of), the three cards are the same markup.
        Assert.Single(markup.Select(m => m.Card.Markup
            .Replace(m.Card.Find(".lp-flagged").GetAttribute("data-assignment")!, "", StringComparison.Ordinal)
            .Replace(m.Card.Find("img").GetAttribute("src")!, "", StringComparison.Ordinal)).Distinct());
    }
}
