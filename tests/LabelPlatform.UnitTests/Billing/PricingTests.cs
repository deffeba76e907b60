using LabelPlatform.Billing;

namespace LabelPlatform.UnitTests.Billing;

public class PricingTests
{
    [Theory]
    [InlineData(100, 20, 1, 20)]
    [InlineData(2, 20, 1, 1)]
    [InlineData(7, 20, 1, 2)]
    [InlineData(5, 0, 3, 3)]
    [InlineData(0, 20, 1, 0)]
    public void Fee_PercentRoundedUpWithMinimum_IsWholeMinorUnits(long amount, decimal percent, long minimum, long expected)
    {
        Assert.Equal(expected, Pricing.Fee(amount, percent, minimum));
    }

    [Fact]
    public void GoldAnswers_TenPercentGold_BudgetsOneGoldForEveryNineAnswers()
    {
        Assert.Equal(100, Pricing.GoldAnswers(900, 0.1, hasGold: true));
        Assert.Equal(0, Pricing.GoldAnswers(900, 0.1, hasGold: false));
        Assert.Equal(0, Pricing.GoldAnswers(0, 0.1, hasGold: true));
    }

    [Fact]
    public void GoldAnswers_AllGoldRate_CappedAtHalf()
    {
        Assert.Equal(10, Pricing.GoldAnswers(10, 1.0, hasGold: true));
    }

    [Fact]
    public void Budget_AnswersTimesPricePlusFee()
    {
        Assert.Equal((900 + 100) * (5 + 1), Pricing.Budget(900, 100, 5, 1));
        Assert.Throws<OverflowException>(() => Pricing.Budget(long.MaxValue / 2, 0, 5, 1));
    }
}
