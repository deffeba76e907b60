using System.Text.Json;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;

namespace LabelPlatform.UnitTests.Review;

public class ReviewPolicyBoxesTests
{
    private static readonly ReviewPolicy Policy = ReviewPolicy.Default;

    /// <summary>Boxes 10 × 10, 20 px apart along x: box i of the worker and box i of the model are the same object.</summary>
    private static BoxComparison Compare(int matched, int workerOnly, int modelOnly)
    {
        var worker = Enumerable.Range(0, matched + workerOnly).Select(i => new BoundingBox("cat", i * 20, 0, 10, 10)).ToList();
        var model = Enumerable.Range(0, matched).Concat(Enumerable.Range(100, modelOnly))
            .Select(i => new ModelBox("cat", 0.8f, i * 20, 0, 10, 10)).ToList();
        return BoxMatching.Compare(worker, model, Policy.MatchIou);
    }

    [Fact]
    public void DecideBoxes_EveryBoxMatched_AcceptedOrAuditSample()
    {
        Assert.Equal((ReviewState.Accepted, "model agrees: 3 of 3 boxes matched (IoU ≥ 0.50)"), Policy.DecideBoxes(Compare(3, 0, 0), false));
        Assert.Equal((ReviewState.NeedsReview, "audit sample (model agrees: 3 of 3 boxes matched (IoU ≥ 0.50))"), Policy.DecideBoxes(Compare(3, 0, 0), true));
        Assert.Equal((ReviewState.Accepted, "model agrees: no boxes on either side"), Policy.DecideBoxes(Compare(0, 0, 0), false));
    }

    [Fact]
    public void DecideBoxes_AtTheMinimums_Accepted()
    {
        // 9 of 10 worker boxes matched and 9 of 10 model boxes found: 0.9 each, the default minimums.
        var (outcome, reason) = Policy.DecideBoxes(Compare(9, 1, 1), false);

        Assert.Equal(ReviewState.Accepted, outcome);
        Assert.Equal("model agrees: 9 of 10 worker boxes matched (IoU ≥ 0.50); model finds 1 box the worker missed; 1 worker box unmatched", reason);
    }

    [Fact]
    public void DecideBoxes_ClearDisagreement_ReviewerDecidesUnlessTheJobLetsTheModelReject()
    {
        var boxes = Compare(1, 1, 2);
        const string Reason = "model disagrees: 1 of 2 worker boxes matched (IoU ≥ 0.50); model finds 2 boxes the worker missed; 1 worker box unmatched";

        Assert.Equal((ReviewState.NeedsReview, Reason), Policy.DecideBoxes(boxes, false));
        Assert.Equal((ReviewState.NeedsReview, Reason), (Policy with { AcceptWhenUnsure = true }).DecideBoxes(boxes, false));
        Assert.Equal((ReviewState.Rejected, Reason), (Policy with { ModelMayReject = true }).DecideBoxes(boxes, false));
    }

    [Fact]
    public void DecideBoxes_OneSideEmpty_ClearDisagreement()
    {
        Assert.Equal(
            (ReviewState.NeedsReview, "model disagrees: 0 of 2 worker boxes matched (IoU ≥ 0.50); model finds no boxes; 2 worker boxes unmatched"),
            Policy.DecideBoxes(Compare(0, 2, 0), false));
        Assert.Equal(
            (ReviewState.NeedsReview, "model disagrees: model finds 1 box the worker missed"),
            Policy.DecideBoxes(Compare(0, 0, 1), false));
    }

    [Fact]
    public void DecideBoxes_PartlyAgrees_ReviewerDecidesOrAcceptedWhenTheJobAcceptsUnsure()
    {
        var boxes = Compare(4, 0, 1); // precision 1, recall 0.8

        Assert.Equal((ReviewState.NeedsReview, "model partly agrees: 4 of 4 worker boxes matched (IoU ≥ 0.50); model finds 1 box the worker missed"), Policy.DecideBoxes(boxes, false));
        Assert.Equal(ReviewState.NeedsReview, (Policy with { ModelMayReject = true }).DecideBoxes(boxes, false).Outcome);
        Assert.Equal(
            (ReviewState.Accepted, "model partly agrees: 4 of 4 worker boxes matched (IoU ≥ 0.50); model finds 1 box the worker missed; the job accepts these"),
            (Policy with { AcceptWhenUnsure = true }).DecideBoxes(boxes, false));
    }

    [Fact]
    public void FromJson_PolicyStoredBeforeBoxSettings_ReadsWithTheDefaults()
    {
        var old = """{"AcceptConfidence":0.8,"FlagConfidence":0.7,"AcceptWhenUnsure":true,"AuditShare":0.1,"ModelMayReject":true}""";

        var policy = ReviewPolicy.FromJson(old);

        Assert.Equal(new ReviewPolicy(0.8f, 0.7f, true, 0.1f, true), policy);
        Assert.Equal((0.5f, 0.9f, 0.9f, 0.5f), (policy.MatchIou, policy.MinPrecision, policy.MinRecall, policy.DisagreeBelow));
    }

    [Fact]
    public void ToJson_BoxSettings_ComeBackAsTheyWere()
    {
        var policy = Policy with { MatchIou = 0.7f, MinPrecision = 0.8f, MinRecall = 0.75f, DisagreeBelow = 0.3f };

        Assert.Equal(policy, ReviewPolicy.FromJson(policy.ToJson()));
        Assert.Equal(0.7, JsonDocument.Parse(policy.ToJson()).RootElement.GetProperty("MatchIou").GetDouble(), 5);
    }

    [Theory]
    [InlineData(0f, 0.9f, 0.9f, 0.5f, "The match IoU is above 0 and at most 1 (0.5 is usual).")]
    [InlineData(0.5f, 1.1f, 0.9f, 0.5f, "Precision and recall thresholds are between 0 and 1.")]
    [InlineData(0.5f, 0.9f, 0.4f, 0.5f, "The disagreement floor must not be above the precision and recall needed to accept.")]
    [InlineData(0.5f, 0.9f, 0.9f, 0.5f, null)]
    public void BoxSettingsProblem_EachMistake_Named(float iou, float precision, float recall, float floor, string? problem) =>
        Assert.Equal(problem, (Policy with { MatchIou = iou, MinPrecision = precision, MinRecall = recall, DisagreeBelow = floor }).BoxSettingsProblem());

    [Fact]
    public void Judge_DetectionVerdict_NoModelLabelAgreementAsConfidenceAndTheEvidence()
    {
        var descriptor = new ModelDescriptor { Kind = ModelKind.Detection, LabelMap = new() { [0] = "cat", [2] = "dog" } };
        var model = DetectionVerdicts.ToModelBoxes(descriptor, [new Detection(0, 0.9f, 10, 10, 20, 20), new Detection(2, 0.6f, 100, 100, 30, 30)]);
        var answer = Answer.WithBoxes([new BoundingBox("cat", 12, 10, 20, 20), new BoundingBox("cat", 200, 200, 10, 10)]);

        var verdict = DetectionVerdicts.Judge(Guid.NewGuid(), answer, model, Policy with { AuditShare = 0 });

        Assert.Equal((ReviewState.NeedsReview, (string?)null, 0.5f), (verdict.Outcome, verdict.ModelLabel, verdict.Confidence));
        var evidence = JsonDocument.Parse(verdict.Evidence).RootElement;
        Assert.Equal((0.5, 0.5), (evidence.GetProperty("precision").GetDouble(), evidence.GetProperty("recall").GetDouble()));
        var match = evidence.GetProperty("matched").EnumerateArray().Single();
        Assert.Equal(("cat", 0.8182, 0.9), (match.GetProperty("label").GetString(), match.GetProperty("iou").GetDouble(), match.GetProperty("score").GetDouble()));
        Assert.Equal(12, match.GetProperty("worker").GetProperty("x").GetDouble());
        Assert.Equal(10, match.GetProperty("model").GetProperty("x").GetDouble());
        Assert.Equal(200, evidence.GetProperty("unmatched").EnumerateArray().Single().GetProperty("box").GetProperty("x").GetDouble());
        var missed = evidence.GetProperty("missed").EnumerateArray().Single();
        Assert.Equal(("dog", 0.6), (missed.GetProperty("label").GetString(), missed.GetProperty("score").GetDouble()));
    }
}
