using LabelPlatform.Review.Flagged;

namespace LabelPlatform.UnitTests.Review;

public class VerdictEvidenceTests
{
    /// <summary>What the detection review writes: scores, every matched pair with its IoU, and the boxes left over.</summary>
    public const string DetectionEvidence = """
        {"matchIou":0.5,"precision":0.5,"recall":1,
         "matched":[{"label":"coin","iou":0.8123,"score":0.91,"worker":{"x":10,"y":20,"w":30,"h":40},"model":{"x":12,"y":21,"w":29,"h":38.5}}],
         "unmatched":[{"label":"cat","box":{"x":1,"y":2,"w":3,"h":4}}],
         "missed":[]}
        """;

    [Fact]
    public void Parse_ClassifierEvidence_TopClassesInOrder()
    {
        var evidence = VerdictEvidence.Parse("""{"top":[{"label":"7","classIndex":7,"probability":0.97},{"label":null,"classIndex":11,"probability":0.02}]}""");

        Assert.Equal([new EvidenceClass("7", 0.97), new EvidenceClass("class 11 (not a label of this job)", 0.02)], evidence.TopClasses);
        Assert.Empty(evidence.Tables);
        Assert.Empty(evidence.Values);
    }

    [Fact]
    public void Parse_DetectionEvidence_PairsAndLeftoversAsTablesScoresAsValues()
    {
        var evidence = VerdictEvidence.Parse(DetectionEvidence);

        Assert.Empty(evidence.TopClasses);
        var matched = evidence.Tables.Single(t => t.Name == "matched");
        Assert.Equal(["label", "iou", "score", "worker", "model"], matched.Columns);
        Assert.Equal(["coin", "0.8123", "0.91", "30 × 40 at 10, 20", "29 × 38.5 at 12, 21"], matched.Rows.Single());
        Assert.Equal(["cat", "3 × 4 at 1, 2"], evidence.Tables.Single(t => t.Name == "unmatched").Rows.Single());
        Assert.Equal(
            [new("matchIou", "0.5"), new("precision", "0.5"), new("recall", "1"), new("missed", "none")],
            evidence.Values);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{}")]
    public void Parse_NoEvidence_Empty(string json) => Assert.True(VerdictEvidence.Parse(json).IsEmpty);

    [Fact]
    public void Parse_NotJson_ShownAsItIs() =>
        Assert.Equal([new("evidence", "model crashed")], VerdictEvidence.Parse("model crashed").Values);
}
