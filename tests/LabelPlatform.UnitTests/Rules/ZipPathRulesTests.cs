using LabelPlatform.Jobs.ImportItems;

namespace LabelPlatform.UnitTests.Rules;

public class ZipPathRulesTests
{
    [Theory]
    [InlineData("cat.png")]
    [InlineData("animals/cats/001.png")]
    [InlineData("animals\\dogs\\002.jpg")]
    [InlineData("a/./b.png")]
    public void Classify_NormalPath_IsFile(string name)
    {
        var (verdict, reason) = ZipPathRules.Classify(name);

        Assert.Equal(PathVerdict.File, verdict);
        Assert.Null(reason);
    }

    [Theory]
    [InlineData("dir/")]
    [InlineData("animals/cats/")]
    [InlineData("dir\\")]
    public void Classify_TrailingSlash_IsFolder(string name)
    {
        Assert.Equal(PathVerdict.Folder, ZipPathRules.Classify(name).Verdict);
    }

    [Theory]
    [InlineData("../x.png", "..")]
    [InlineData("a/../../x.png", "..")]
    [InlineData("a\\..\\..\\x.png", "..")]
    [InlineData("/etc/x.png", "absolute")]
    [InlineData("\\x.png", "absolute")]
    [InlineData("C:/x.png", "absolute")]
    [InlineData("c:\\x.png", "absolute")]
    public void Classify_EscapingPath_IsUnsafeWithReason(string name, string reasonPart)
    {
        var (verdict, reason) = ZipPathRules.Classify(name);

        Assert.Equal(PathVerdict.Unsafe, verdict);
        Assert.NotNull(reason);
        Assert.Contains(reasonPart, reason);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x\0.png")]
    public void Classify_NoUsableName_IsUnsafe(string name)
    {
        var (verdict, reason) = ZipPathRules.Classify(name);

        Assert.Equal(PathVerdict.Unsafe, verdict);
        Assert.Contains("no usable name", reason);
    }

    [Fact]
    public void Classify_PathOver1024Characters_IsUnsafe()
    {
        var (verdict, reason) = ZipPathRules.Classify(new string('a', 1025) + ".png");

        Assert.Equal(PathVerdict.Unsafe, verdict);
        Assert.Contains("1024", reason);
    }

    [Theory]
    [InlineData("__MACOSX/._a.png")]
    [InlineData("__MACOSX/img/a.png")]
    [InlineData("img/._a.png")]
    [InlineData("a/.DS_Store")]
    [InlineData("Thumbs.db")]
    [InlineData("THUMBS.DB")]
    [InlineData("img/desktop.ini")]
    public void Classify_OperatingSystemFile_IsSystemFile(string name)
    {
        var (verdict, reason) = ZipPathRules.Classify(name);

        Assert.Equal(PathVerdict.SystemFile, verdict);
        Assert.Contains("ignored", reason);
    }

    [Fact]
    public void Normalise_DotSegmentsAndCase_GiveTheSamePath()
    {
        Assert.Equal(ZipPathRules.Normalise("a/b.png"), ZipPathRules.Normalise("A/./b.PNG"));
        Assert.Equal("a/b.png", ZipPathRules.Normalise("A/./b.PNG"));
    }

    [Fact]
    public void Normalise_BackslashesAndDoubleSlashes_GiveTheSamePath()
    {
        Assert.Equal("img/cats/1.png", ZipPathRules.Normalise("img\\cats//1.png"));
    }

    [Fact]
    public void Normalise_DifferentFiles_StayDifferent()
    {
        Assert.NotEqual(ZipPathRules.Normalise("a/b.png"), ZipPathRules.Normalise("a/c.png"));
    }
}
