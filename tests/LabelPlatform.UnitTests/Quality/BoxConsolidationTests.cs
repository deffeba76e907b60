using LabelPlatform.Labelling;
using LabelPlatform.Quality.Aggregation;

namespace LabelPlatform.UnitTests.Quality;

public class BoxConsolidationTests
{
    private static readonly BoxConsolidationOptions Quorum2 = new(MinIou: 0.5, Quorum: 2);

    [Fact]
    public void Consolidate_TwoObjectsDrawnByEveryone_GivesTwoAveragedBoxes()
    {
        var answers = new[]
        {
            new WorkerBoxes(0, 1, [new("cat", 10, 10, 100, 100), new("dog", 300, 300, 50, 60)]),
            new WorkerBoxes(1, 1, [new("dog", 304, 296, 50, 60), new("cat", 14, 12, 100, 96)]),
            new WorkerBoxes(2, 1, [new("cat", 12, 8, 100, 98), new("dog", 302, 298, 56, 60)]),
        };

        var boxes = BoxConsolidation.Consolidate(answers, Quorum2);

        Assert.Equal(2, boxes.Count);
        var cat = Assert.Single(boxes, b => b.Label == "cat");
        Assert.Equal((12, 10, 100, 98), (cat.X, cat.Y, cat.W, cat.H));
        Assert.Equal([0, 1, 2], cat.Workers);
        Assert.Equal(1, cat.Confidence);
        var dog = Assert.Single(boxes, b => b.Label == "dog");
        Assert.Equal((302, 298, 52, 60), (dog.X, dog.Y, dog.W, dog.H));
    }

    [Fact]
    public void Consolidate_OneWorkersOutlierBox_IsDropped()
    {
        var answers = new[]
        {
            new WorkerBoxes(0, 1, [new("cat", 10, 10, 100, 100)]),
            new WorkerBoxes(1, 1, [new("cat", 12, 10, 100, 100), new("cat", 500, 400, 40, 40)]),
            new WorkerBoxes(2, 1, [new("cat", 8, 10, 100, 100)]),
        };

        var box = Assert.Single(BoxConsolidation.Consolidate(answers, Quorum2));

        Assert.Equal(10, box.X, 9);
        Assert.Equal(3, box.Workers.Count);
    }

    [Fact]
    public void Consolidate_BoxOneWorkerMissed_IsKeptWithLowerConfidence()
    {
        var answers = new[]
        {
            new WorkerBoxes(0, 1, [new("cat", 10, 10, 100, 100), new("dog", 300, 300, 50, 50)]),
            new WorkerBoxes(1, 1, [new("cat", 10, 10, 100, 100), new("dog", 302, 300, 50, 50)]),
            new WorkerBoxes(2, 2, [new("cat", 10, 10, 100, 100)]),
        };

        var boxes = BoxConsolidation.Consolidate(answers, Quorum2);

        Assert.Equal(2, boxes.Count);
        var dog = Assert.Single(boxes, b => b.Label == "dog");
        Assert.Equal([0, 1], dog.Workers);
        Assert.Equal(2.0 / 4, dog.Confidence, 9);
        Assert.Equal(1, boxes[0].Confidence);
    }

    [Fact]
    public void Consolidate_BoxMissedByTooManyWorkers_IsDropped()
    {
        var answers = new[]
        {
            new WorkerBoxes(0, 1, [new("cat", 10, 10, 100, 100), new("dog", 300, 300, 50, 50)]),
            new WorkerBoxes(1, 1, [new("cat", 10, 10, 100, 100)]),
            new WorkerBoxes(2, 1, [new("cat", 10, 10, 100, 100)]),
        };

        var box = Assert.Single(BoxConsolidation.Consolidate(answers, Quorum2));

        Assert.Equal("cat", box.Label);
    }

    [Fact]
    public void Consolidate_LabelsDisagree_KeepsTheLabelThatReachesQuorum()
    {
        var answers = new[]
        {
            new WorkerBoxes(0, 1, [new("cat", 10, 10, 100, 100)]),
            new WorkerBoxes(1, 1, [new("dog", 10, 10, 100, 100)]),
            new WorkerBoxes(2, 1, [new("cat", 12, 10, 100, 100)]),
        };

        var box = Assert.Single(BoxConsolidation.Consolidate(answers, Quorum2));

        Assert.Equal("cat", box.Label);
        Assert.Equal([0, 2], box.Workers);
        Assert.Equal(2.0 / 3, box.Confidence, 9);
    }

    [Fact]
    public void Consolidate_ReliableWorker_PullsTheAverageBoxTowardsTheirs()
    {
        var answers = new[]
        {
            new WorkerBoxes(0, 3, [new("cat", 0, 0, 100, 100)]),
            new WorkerBoxes(1, 1, [new("cat", 8, 4, 100, 100)]),
        };

        var box = Assert.Single(BoxConsolidation.Consolidate(answers, Quorum2));

        Assert.Equal((2, 1), (box.X, box.Y));
    }

    [Fact]
    public void Consolidate_WorkerDrawsTheSameObjectTwice_CountsOnce()
    {
        var answers = new[]
        {
            new WorkerBoxes(0, 1, [new("cat", 10, 10, 100, 100), new("cat", 11, 10, 100, 100)]),
            new WorkerBoxes(1, 1, [new("cat", 10, 10, 100, 100)]),
        };

        var box = Assert.Single(BoxConsolidation.Consolidate(answers, Quorum2));

        Assert.Equal([0, 1], box.Workers);
    }

    [Fact]
    public void Consolidate_NobodyDrewAnything_GivesNoBoxes()
    {
        var answers = new[] { new WorkerBoxes(0, 1, []), new WorkerBoxes(1, 1, []) };

        Assert.Empty(BoxConsolidation.Consolidate(answers, Quorum2));
    }
}
