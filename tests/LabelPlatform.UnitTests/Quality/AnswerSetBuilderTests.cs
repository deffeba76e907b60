using LabelPlatform.Quality.Aggregation;

namespace LabelPlatform.UnitTests.Quality;

public class AnswerSetBuilderTests
{
    [Fact]
    public void Build_IdsAndLabelStrings_MapToIndexesAndBack()
    {
        var builder = new AnswerSetBuilder<Guid, string>(["cat", "dog"]);
        var (photo1, photo2, photo3) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        builder.Add(photo1, "ann", "dog");
        builder.Add(photo2, "ann", "cat");
        builder.Add(photo1, "bob", "dog");
        builder.AddItem(photo3);

        var answers = builder.Build();
        var finals = MajorityVote.Decide(answers);

        Assert.Equal((3, 2, 2, 3), (answers.ItemCount, answers.WorkerCount, answers.LabelCount, answers.Count));
        Assert.Equal("dog", builder.LabelOf(finals[builder.ItemIndex(photo1)]));
        Assert.Equal("cat", builder.LabelOf(finals[builder.ItemIndex(photo2)]));
        Assert.Null(builder.LabelOf(finals[builder.ItemIndex(photo3)]));
        Assert.Equal("bob", builder.Workers[answers.WorkersOf(builder.ItemIndex(photo1))[1]]);
    }

    [Fact]
    public void Add_LabelNotInTheJob_IsRefused()
    {
        var builder = new AnswerSetBuilder<int, int>(["cat", "dog"]);

        Assert.False(builder.Add(1, 1, "bird"));
        Assert.Equal(0, builder.Build().Count);
    }

    [Fact]
    public void AnswerSet_AnswerOutsideTheCounts_IsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new AnswerSet(1, 1, 2, [new LabelAnswer(0, 0, 2)]));
    }
}
