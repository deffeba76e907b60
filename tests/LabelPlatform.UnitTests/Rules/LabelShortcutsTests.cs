using LabelPlatform.Labelling;

namespace LabelPlatform.UnitTests.Rules;

public class LabelShortcutsTests
{
    [Fact]
    public void Assign_WordLabels_GetOneToNineThenZeroThenNothing()
    {
        var labels = Enumerable.Range(1, 12).Select(i => $"label {i}").ToList();

        var keys = LabelShortcuts.Assign(labels);

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7", "8", "9", "0", null, null], keys);
    }

    [Fact]
    public void Assign_DigitLabels_KeepTheirOwnDigit()
    {
        var keys = LabelShortcuts.Assign(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);

        Assert.Equal(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"], keys);
    }

    [Fact]
    public void Assign_MixedLabels_WordsTakeTheDigitsLeftFree()
    {
        var keys = LabelShortcuts.Assign(["unsure", "1", "2"]);

        Assert.Equal(["3", "1", "2"], keys);
    }
}
