using LabelPlatform.Jobs;

namespace LabelPlatform.UnitTests.Rules;

public class MoneyFormatTests
{
    [Theory]
    [InlineData(0, "0.00 USD")]
    [InlineData(5, "0.05 USD")]
    [InlineData(100, "1.00 USD")]
    [InlineData(1234, "12.34 USD")]
    [InlineData(-5, "-0.05 USD")]
    [InlineData(-1234, "-12.34 USD")]
    public void Format_MinorUnits_ShowsTwoDecimalsAndCurrency(long minor, string expected)
    {
        Assert.Equal(expected, MoneyFormat.Format(minor, "USD"));
    }

    [Fact]
    public void Format_OtherCurrency_UsesItsCode()
    {
        Assert.Equal("7.50 EUR", MoneyFormat.Format(750, "EUR"));
    }

    [Theory]
    [InlineData("0.05", 5)]
    [InlineData("5", 500)]
    [InlineData("0.5", 50)]
    [InlineData("12.34", 1234)]
    [InlineData(" 0.07 ", 7)]
    [InlineData("0.050", 5)]
    public void TryParse_AtMostTwoDecimals_ReturnsMinorUnits(string text, long expected)
    {
        Assert.True(MoneyFormat.TryParse(text, "USD", out var minor));
        Assert.Equal(expected, minor);
    }

    [Theory]
    [InlineData("0.055")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("1,5")]
    public void TryParse_InvalidText_FailsWithZero(string? text)
    {
        Assert.False(MoneyFormat.TryParse(text, "USD", out var minor));
        Assert.Equal(0, minor);
    }

    [Fact]
    public void TryParse_FormattedAmount_RoundTrips()
    {
        var text = MoneyFormat.Format(1234, "USD").Split(' ')[0];

        Assert.True(MoneyFormat.TryParse(text, "USD", out var minor));
        Assert.Equal(1234, minor);
    }

    [Theory]
    [InlineData(0, "JPY", "0 JPY")]
    [InlineData(1500, "JPY", "1500 JPY")]
    [InlineData(-7, "KRW", "-7 KRW")]
    [InlineData(1234, "KWD", "1.234 KWD")]
    [InlineData(1234, "GBP", "12.34 GBP")]
    public void Format_ZeroAndThreeDecimalCurrencies_UseTheirMinorUnit(long minor, string currency, string expected)
    {
        Assert.Equal(expected, MoneyFormat.Format(minor, currency));
    }

    [Theory]
    [InlineData("1500", "JPY", true, 1500)]
    [InlineData("15.5", "JPY", false, 0)]
    [InlineData("1.234", "KWD", true, 1234)]
    [InlineData("1.2345", "KWD", false, 0)]
    public void TryParse_PerCurrencyDecimals(string text, string currency, bool ok, long expected)
    {
        Assert.Equal(ok, MoneyFormat.TryParse(text, currency, out var minor));
        Assert.Equal(expected, minor);
    }

    [Fact]
    public void ToMajor_ForCharts()
    {
        Assert.Equal((12.5, 1250.0), (MoneyFormat.ToMajor(1250, "USD"), MoneyFormat.ToMajor(1250, "JPY")));
    }
}
