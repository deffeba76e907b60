using LabelPlatform.Common;

namespace LabelPlatform.UnitTests.Rules;

public class CsvFieldTests
{
    [Theory]
    [InlineData("cat", "cat")]
    [InlineData("", "")]
    [InlineData(null, "")]
    [InlineData("traffic light", "traffic light")]
    public void Escape_PlainValue_IsUnchanged(string? value, string expected)
    {
        Assert.Equal(expected, CsvField.Escape(value));
    }

    [Theory]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line1\nline2", "\"line1\nline2\"")]
    [InlineData("line1\r\nline2", "\"line1\r\nline2\"")]
    public void Escape_SpecialCharacters_QuotedPerRfc4180(string value, string expected)
    {
        Assert.Equal(expected, CsvField.Escape(value));
    }

    [Theory]
    [InlineData("=SUM(A1:A2)", "'=SUM(A1:A2)")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("@cmd", "'@cmd")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("\tcmd", "'\tcmd")]
    public void Escape_FormulaStart_GetsLeadingApostrophe(string value, string expected)
    {
        Assert.Equal(expected, CsvField.Escape(value));
    }

    [Fact]
    public void Escape_FormulaWithComma_ApostropheInsideTheQuotes()
    {
        Assert.Equal("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"", CsvField.Escape("=HYPERLINK(\"http://x\",\"y\")"));
    }

    [Theory]
    [InlineData("-1.5")]
    [InlineData("-3")]
    [InlineData("-2e3")]
    public void Escape_NegativeNumber_StaysAsIs(string value)
    {
        Assert.Equal(value, CsvField.Escape(value));
    }

    [Fact]
    public void Line_MixedFields_JoinsEscapedFieldsWithCommas()
    {
        var line = CsvField.Line(["img/1.png", "cat, maybe", null, "=1+1", "0.67"]);

        Assert.Equal("img/1.png,\"cat, maybe\",,'=1+1,0.67", line);
    }
}
