using LabelPlatform.Web.Components.Shared;
using MudBlazor;

namespace LabelPlatform.UnitTests.Components;

public class ChartScaleTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(3, 1)]
    [InlineData(5, 1)]
    [InlineData(9, 2)]
    [InlineData(60, 20)]
    [InlineData(100, 20)]
    [InlineData(101, 50)]
    [InlineData(1_234, 500)]
    [InlineData(48_000, 10_000)]
    public void Step_PutsAboutFiveLinesOverTheData(double max, int step)
    {
        Assert.Equal(step, ChartScale.Step(max));
        Assert.InRange(Math.Ceiling(max / step), 0, 6);
    }

    [Fact]
    public void Counts_AxisEndsAtTheFirstLineAboveTheLargestCount()
    {
        var options = ChartScale.Counts([new ChartSeries<double> { Name = "Items", Data = new[] { 3.0, 41, 7 } }]);

        Assert.Equal((10, 50.0), (options.YAxisTicks, options.YAxisSuggestedMax!.Value));
        Assert.Equal("40", options.YAxisToStringFunc!(40));
    }

    [Fact]
    public void Money_LabelsMinorUnitsInTheCurrency_OrAsPlainNumbersWhenCurrenciesMix()
    {
        ChartSeries<double>[] series = [new() { Name = "JPY", Data = new[] { 1_500.0 } }];

        Assert.Equal("1500", ChartScale.Money(series, "JPY").YAxisToStringFunc!(1_500));
        Assert.Equal("0.35", ChartScale.Money(series, "USD").YAxisToStringFunc!(35));
        Assert.Equal("12.5", ChartScale.Money(series, null).YAxisToStringFunc!(1_250));
    }

    [Fact]
    public void Percentages_RunFromZeroToAHundredInSteps()
    {
        var options = ChartScale.Percentages();

        Assert.Equal((20, 100.0), (options.YAxisTicks, options.YAxisSuggestedMax!.Value));
        Assert.Equal("80%", options.YAxisToStringFunc!(80));
    }
}
