using LabelPlatform.Review.Models;

namespace LabelPlatform.UnitTests.Review;

public class DescriptorTextTests
{
    [Theory]
    [InlineData("1/255", 1f / 255f)]
    [InlineData("0.5", 0.5f)]
    [InlineData(" -1 / 240 ", -1f / 240f)]
    public void TryNumber_NumbersAndFractions_Read(string text, float expected)
    {
        Assert.True(DescriptorText.TryNumber(text, out var value));
        Assert.Equal(expected, value, 6);
    }

    [Theory]
    [InlineData("1/0")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("NaN")]
    public void TryNumber_NotANumber_Refused(string text) => Assert.False(DescriptorText.TryNumber(text, out _));

    [Fact]
    public void Numbers_OnePerChannelOrOneForAll_ElseNull()
    {
        Assert.Equal([0.485f, 0.456f, 0.406f], DescriptorText.Numbers("0.485, 0.456, 0.406", 3)!);
        Assert.Equal([0.5f, 0.5f, 0.5f], DescriptorText.Numbers("0.5", 3)!);
        Assert.Null(DescriptorText.Numbers("1, 2", 3));
        Assert.Null(DescriptorText.Numbers("1, x, 3", 3));
    }

    [Fact]
    public void LabelMap_Lines_ReadAndWrittenBack()
    {
        var (map, error) = DescriptorText.LabelMap("0 = cat\n\n 2=dog \n");

        Assert.Null(error);
        Assert.Equal(new Dictionary<int, string> { [0] = "cat", [2] = "dog" }, map);
        Assert.Equal("0 = cat\n2 = dog", DescriptorText.LabelMapText(map!));
    }

    [Theory]
    [InlineData("0 cat", "Label map line 1 (\"0 cat\") is not \"class index = label\".")]
    [InlineData("0 = cat\nx = dog", "Label map line 2 (\"x = dog\") is not \"class index = label\".")]
    [InlineData("1 = cat\n1 = dog", "Label map line 2: class 1 is mapped twice.")]
    public void LabelMap_WrongLine_NamesIt(string text, string message) => Assert.Equal(message, DescriptorText.LabelMap(text).Error);
}
