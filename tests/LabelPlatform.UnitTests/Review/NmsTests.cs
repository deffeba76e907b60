using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Models;

namespace LabelPlatform.UnitTests.Review;

public class NmsTests
{
    [Fact]
    public void Apply_SameClassOverlapAboveThreshold_DropsWeaker()
    {
        var strong = new Detection(0, 0.9f, 0, 0, 10, 10);
        var weak = new Detection(0, 0.8f, 1, 0, 10, 10); // IoU 90 / 110

        Assert.Equal([strong], Nms.Apply([weak, strong], 0.45f));
    }

    [Fact]
    public void Apply_OverlapExactlyAtThreshold_KeepsBoth()
    {
        var a = new Detection(0, 0.9f, 0, 0, 10, 10);
        var b = new Detection(0, 0.8f, 0, 0, 10, 5); // IoU 50 / 100

        Assert.Equal([a, b], Nms.Apply([a, b], 0.5f));
    }

    [Fact]
    public void Apply_DifferentClassesInSamePlace_KeepsBoth()
    {
        var cat = new Detection(0, 0.6f, 0, 0, 10, 10);
        var dog = new Detection(1, 0.9f, 0, 0, 10, 10);

        Assert.Equal([dog, cat], Nms.Apply([cat, dog], 0.45f));
    }

    [Fact]
    public void Apply_BoxOverlappingOnlyASuppressedBox_IsKept()
    {
        var first = new Detection(0, 0.9f, 0, 0, 10, 10);
        var second = new Detection(0, 0.8f, 4, 0, 10, 10); // IoU with first 60 / 140: suppressed
        var third = new Detection(0, 0.7f, 8, 0, 10, 10); // IoU with second 0.43, with first 20 / 180

        Assert.Equal([first, third], Nms.Apply([third, second, first], 0.4f));
    }

    [Fact]
    public void Apply_EqualScores_KeepsTheFirstGiven()
    {
        var first = new Detection(0, 0.5f, 0, 0, 10, 10);
        var second = new Detection(0, 0.5f, 0, 0, 10, 10);

        var kept = Assert.Single(Nms.Apply([first, second], 0.45f));

        Assert.Same(first, kept);
    }

    [Fact]
    public void Apply_NoBoxes_ReturnsNone()
    {
        Assert.Empty(Nms.Apply([], 0.45f));
    }

    [Fact]
    public void Iou_PartialOverlap_IsIntersectionOverUnion()
    {
        var a = new Detection(0, 1, 0, 0, 4, 4);
        var b = new Detection(0, 1, 2, 2, 4, 4);

        Assert.Equal(4f / 28f, Nms.Iou(a, b));
    }

    [Fact]
    public void Iou_TouchingEdges_IsZero()
    {
        Assert.Equal(0f, Nms.Iou(new Detection(0, 1, 0, 0, 4, 4), new Detection(0, 1, 4, 0, 4, 4)));
    }

    [Fact]
    public void Iou_BoxWithoutArea_IsZero()
    {
        Assert.Equal(0f, Nms.Iou(new Detection(0, 1, 0, 0, 0, 0), new Detection(0, 1, 0, 0, 0, 0)));
    }
}
