using LabelPlatform.Quality.Aggregation;

namespace LabelPlatform.UnitTests.Rules;

public class MajorityVoteTests
{
    private static readonly string[] Labels = ["cat", "dog", "bird"];

    [Fact]
    public void Decide_ClearMajority_ReturnsWinnerAndAgreement()
    {
        var result = MajorityVote.Decide(["dog", "cat", "dog"], Labels);

        Assert.Equal("dog", result.Label);
        Assert.Equal(2, result.Counts["dog"]);
        Assert.Equal(3, result.Total);
        Assert.Equal(2.0 / 3, result.Agreement, 6);
        Assert.False(result.IsTie);
    }

    [Fact]
    public void Decide_Tie_HasNoWinnerAndListsTiedLabelsInLabelOrder()
    {
        var result = MajorityVote.Decide(["dog", "cat", "bird", "cat", "dog"], Labels);

        Assert.Null(result.Label);
        Assert.True(result.IsTie);
        Assert.Equal(["cat", "dog"], result.Tied);
        Assert.Equal(0, result.Agreement);
    }

    [Fact]
    public void Decide_NoVotes_HasNoWinnerAndNoTie()
    {
        var result = MajorityVote.Decide([], Labels);

        Assert.Null(result.Label);
        Assert.False(result.IsTie);
        Assert.Equal(0, result.Total);
    }
}
