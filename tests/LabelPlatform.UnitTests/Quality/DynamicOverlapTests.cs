using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Aggregation.Simulation;

namespace LabelPlatform.UnitTests.Quality;

public class DynamicOverlapTests
{
    private static readonly DynamicOverlap Policy = new(MinAnswers: 2, MaxAnswers: 5, TargetConfidence: 0.9);

    [Fact]
    public void Decide_FewerThanMinimumAnswers_AsksForOneMore()
    {
        Assert.Equal(OverlapDecision.AskForOneMore, Policy.Decide([1], new FinalLabel(1, 0.99)));
    }

    [Fact]
    public void Decide_ConfidentEnough_IsSettled()
    {
        Assert.Equal(OverlapDecision.Settled, Policy.Decide([1, 1], new FinalLabel(1, 0.95)));
    }

    [Fact]
    public void Decide_BelowTarget_AsksForOneMore()
    {
        Assert.Equal(OverlapDecision.AskForOneMore, Policy.Decide([1, 1, 0], new FinalLabel(1, 0.8)));
    }

    [Fact]
    public void Decide_TieWithoutLabel_AsksForOneMore()
    {
        Assert.Equal(OverlapDecision.AskForOneMore, Policy.Decide([1, 0], FinalLabel.None));
    }

    [Fact]
    public void Decide_AtMaximumAndStillUnsure_IsExhausted()
    {
        Assert.Equal(OverlapDecision.Exhausted, Policy.Decide([1, 0, 2, 1, 0], new FinalLabel(1, 0.5)));
    }

    [Fact]
    public void Decide_UnanimityRequiredAndAnswersDisagree_AsksForOneMore()
    {
        var strict = Policy with { SettleOnlyWhenUnanimous = true };

        Assert.Equal(OverlapDecision.AskForOneMore, strict.Decide([1, 1, 0], new FinalLabel(1, 0.97)));
        Assert.Equal(OverlapDecision.Settled, strict.Decide([1, 1, 1], new FinalLabel(1, 0.97)));
    }

    [Fact]
    public void Decide_MaximumBelowMinimum_Throws()
    {
        var broken = new DynamicOverlap(MinAnswers: 3, MaxAnswers: 2, TargetConfidence: 0.9);

        Assert.Throws<InvalidOperationException>(() => broken.Decide([1, 1, 1], new FinalLabel(1, 1)));
    }

    [Fact]
    public void DynamicDawidSkene_RealisticCrowd_IsAtLeastAsAccurateAsFixedThreeWithFewerAnswers()
    {
        var crowd = SimulatedCrowd.Realistic(workers: 200, labelCount: 5, new Random(42));

        var fixedThree = OverlapSimulation.FixedMajority(crowd, items: 4000, overlap: 3, seed: 8);
        var dynamic = OverlapSimulation.DynamicDawidSkene(crowd, items: 4000, new DynamicOverlap(2, 7, 0.8), seed: 8);

        Assert.True(dynamic.Accuracy >= fixedThree.Accuracy, $"dynamic {dynamic.Accuracy:0.000}, fixed 3 {fixedThree.Accuracy:0.000}");
        Assert.True(dynamic.AnswersPerItem < 3, $"dynamic bought {dynamic.AnswersPerItem:0.00} answers per item");
    }
}
