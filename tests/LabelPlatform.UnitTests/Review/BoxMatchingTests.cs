using LabelPlatform.Labelling;
using LabelPlatform.Review.Verdicts;

namespace LabelPlatform.UnitTests.Review;

public class BoxMatchingTests
{
    private static ModelBox Model(string label, double x, double y, double w = 10, double h = 10, float score = 0.9f) => new(label, score, x, y, w, h);

    private static BoundingBox Worker(string label, double x, double y, double w = 10, double h = 10) => new(label, x, y, w, h);

    [Fact]
    public void Compare_SameBoxesSameLabels_AllMatchedPrecisionAndRecallOne()
    {
        var result = BoxMatching.Compare([Worker("cat", 0, 0), Worker("dog", 50, 50)], [Model("dog", 50, 50), Model("cat", 0, 0)], 0.5);

        Assert.Equal(2, result.Matches.Count);
        Assert.All(result.Matches, m => Assert.Equal((m.Worker.Label, 1.0), (m.Model.Label, m.Iou)));
        Assert.Empty(result.UnmatchedWorker);
        Assert.Empty(result.Missed);
        Assert.Equal((1.0, 1.0), (result.Precision, result.Recall));
    }

    [Theory]
    [InlineData(2, 0.6667)] // 8 × 10 overlap of 120: IoU 0.667 ≥ 0.5
    [InlineData(4, 0.4286)] // 6 × 10 overlap of 140: IoU 0.429 < 0.5
    public void Compare_ShiftedBox_MatchedOnlyAtOrAboveTheMatchIou(double shift, double iou)
    {
        var result = BoxMatching.Compare([Worker("cat", shift, 0)], [Model("cat", 0, 0)], 0.5);

        Assert.Equal(iou, BoxMatching.Iou(Worker("cat", shift, 0), Model("cat", 0, 0)), 4);
        Assert.Equal(iou >= 0.5 ? 1 : 0, result.Matches.Count);
        Assert.Equal(iou >= 0.5 ? 1.0 : 0.0, result.Precision);
    }

    [Fact]
    public void Compare_MatchIouExactlyReached_Matched()
    {
        // A 10 × 10 box inside a 20 × 10 one: IoU exactly 0.5.
        var result = BoxMatching.Compare([Worker("cat", 0, 0, 20, 10)], [Model("cat", 0, 0, 10, 10)], 0.5);

        Assert.Single(result.Matches);
    }

    [Fact]
    public void Compare_SameBoxOtherLabel_NoMatchAWorkerBoxUnmatchedAndAModelBoxMissed()
    {
        var result = BoxMatching.Compare([Worker("cat", 0, 0)], [Model("dog", 0, 0)], 0.5);

        Assert.Empty(result.Matches);
        Assert.Equal("cat", Assert.Single(result.UnmatchedWorker).Label);
        Assert.Equal("dog", Assert.Single(result.Missed).Label);
        Assert.Equal((0.0, 0.0), (result.Precision, result.Recall));
    }

    [Fact]
    public void Compare_WorkerDrawsAnExtraBox_PrecisionFallsRecallStaysOne()
    {
        var result = BoxMatching.Compare([Worker("cat", 0, 0), Worker("cat", 40, 40)], [Model("cat", 0, 0)], 0.5);

        Assert.Equal(40, Assert.Single(result.UnmatchedWorker).X);
        Assert.Equal((0.5, 1.0), (result.Precision, result.Recall));
    }

    [Fact]
    public void Compare_WorkerMissesABox_RecallFallsPrecisionStaysOne()
    {
        var result = BoxMatching.Compare([Worker("cat", 0, 0)], [Model("cat", 0, 0), Model("cat", 40, 40), Model("dog", 80, 80)], 0.5);

        Assert.Equal(2, result.Missed.Count);
        Assert.Equal(1.0, result.Precision);
        Assert.Equal(1.0 / 3, result.Recall, 6);
    }

    [Fact]
    public void Compare_NoBoxesOnEitherSide_FullAgreement()
    {
        var result = BoxMatching.Compare([], [], 0.5);

        Assert.Equal((0, 0, 1.0, 1.0), (result.WorkerCount, result.ModelCount, result.Precision, result.Recall));
    }

    [Fact]
    public void Compare_OneSideEmpty_TheOtherSidesShareIsZero()
    {
        var modelSeesNothing = BoxMatching.Compare([Worker("cat", 0, 0)], [], 0.5);
        var workerDrewNothing = BoxMatching.Compare([], [Model("cat", 0, 0)], 0.5);

        Assert.Equal((0.0, 1.0), (modelSeesNothing.Precision, modelSeesNothing.Recall));
        Assert.Equal((1.0, 0.0), (workerDrewNothing.Precision, workerDrewNothing.Recall));
    }

    [Fact]
    public void Compare_TwoWorkerBoxesOnOneObject_OnlyTheBetterOneMatches()
    {
        var close = Worker("cat", 1, 0);
        var further = Worker("cat", 2, 0);

        var result = BoxMatching.Compare([further, close], [Model("cat", 0, 0)], 0.5);

        Assert.Same(close, Assert.Single(result.Matches).Worker);
        Assert.Same(further, Assert.Single(result.UnmatchedWorker));
        Assert.Equal((0.5, 1.0), (result.Precision, result.Recall));
    }

    [Fact]
    public void Compare_Contention_GreedyByIouGivesEachModelBoxItsBestFreeWorkerBox()
    {
        // Worker box A overlaps model boxes 1 (IoU 0.82) and 2 (0.67); B overlaps only 2 (0.54).
        // Model box 2 taking its best worker box (A) would leave 1 without one; highest IoU first
        // pairs A–1, then B–2.
        var a = Worker("cat", 1, 0);
        var b = Worker("cat", 6, 0);
        var one = Model("cat", 0, 0);
        var two = Model("cat", 3, 0);

        var result = BoxMatching.Compare([a, b], [two, one], 0.5);

        Assert.Equal(2, result.Matches.Count);
        Assert.Same(one, result.Matches.Single(m => m.Worker == a).Model);
        Assert.Same(two, result.Matches.Single(m => m.Worker == b).Model);
    }
}
