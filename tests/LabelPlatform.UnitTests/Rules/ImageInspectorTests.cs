using System.Globalization;
using System.Text;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Testing;
using SkiaSharp;

namespace LabelPlatform.UnitTests.Rules;

public class ImageInspectorTests
{
    private const long NoLimit = 100_000_000;

    /// <summary>The smallest valid GIF89a: 1×1, a two-colour palette, one LZW-coded pixel.</summary>
    private static readonly byte[] OnePixelGif =
    [
        .. "GIF89a"u8,
        0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, // 1×1, global colour table of 2
        0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, // white, black
        0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, // graphic control extension
        0x2C, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, // image descriptor
        0x02, 0x02, 0x44, 0x01, 0x00, // LZW min code size 2, one data block
        0x3B, // trailer
    ];

    private static byte[] Data(string file) => File.ReadAllBytes(TestZips.DataPath(file));

    private static byte[] EncodeWebP(int width, int height)
    {
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.Orange);
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Webp, 80);
        return data.ToArray();
    }

    [Theory]
    [InlineData("coins.png", "image/png", ".png", 384, 303)]
    [InlineData("chelsea.png", "image/png", ".png", 451, 300)]
    [InlineData("rocket.jpg", "image/jpeg", ".jpg", 640, 427)]
    public void Inspect_RealImage_AcceptedWithSizeAndType(string file, string contentType, string extension, int width, int height)
    {
        var (facts, reason) = ImageInspector.Inspect(Data(file), NoLimit);

        Assert.Null(reason);
        Assert.Equal(new ImageFacts(contentType, extension, width, height), facts);
    }

    [Fact]
    public void Inspect_WebP_AcceptedWithSizeAndType()
    {
        var (facts, reason) = ImageInspector.Inspect(EncodeWebP(40, 30), NoLimit);

        Assert.Null(reason);
        Assert.Equal(new ImageFacts("image/webp", ".webp", 40, 30), facts);
    }

    [Fact]
    public void Inspect_Gif_AcceptedWithSizeAndType()
    {
        var (facts, reason) = ImageInspector.Inspect(OnePixelGif, NoLimit);

        Assert.Null(reason);
        Assert.Equal(new ImageFacts("image/gif", ".gif", 1, 1), facts);
    }

    [Fact]
    public void Inspect_EmptyFile_RejectedAsEmpty()
    {
        var (facts, reason) = ImageInspector.Inspect([], NoLimit);

        Assert.Null(facts);
        Assert.Contains("empty", reason);
    }

    [Fact]
    public void Inspect_TextFile_RejectedAsNotAnImage()
    {
        var (facts, reason) = ImageInspector.Inspect(Encoding.UTF8.GetBytes("name,label\ncat.png,cat\n"), NoLimit);

        Assert.Null(facts);
        Assert.Contains("not an image", reason);
    }

    [Fact]
    public void Inspect_PngCutInHalf_RejectedAsTruncatedOrCorrupt()
    {
        var png = Data("coins.png");

        var (facts, reason) = ImageInspector.Inspect(png.AsSpan(0, png.Length / 2), NoLimit);

        Assert.Null(facts);
        Assert.NotNull(reason);
        Assert.Matches("truncated|corrupt", reason);
        Assert.Contains("PNG", reason);
    }

    [Fact]
    public void Inspect_JpegCutInHalf_RejectedAsTruncatedOrCorrupt()
    {
        var jpeg = Data("rocket.jpg");

        var (facts, reason) = ImageInspector.Inspect(jpeg.AsSpan(0, jpeg.Length / 2), NoLimit);

        Assert.Null(facts);
        Assert.NotNull(reason);
        Assert.Matches("truncated|corrupt", reason);
    }

    [Fact]
    public void Inspect_PngSignatureFollowedByGarbage_RejectedAsCorrupt()
    {
        byte[] bytes = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. Encoding.ASCII.GetBytes(new string('x', 500))];

        var (facts, reason) = ImageInspector.Inspect(bytes, NoLimit);

        Assert.Null(facts);
        Assert.Contains("corrupt PNG", reason);
    }

    [Fact]
    public void Inspect_MorePixelsThanTheLimit_RejectedNamingSizeAndLimit()
    {
        const long limit = 384 * 303 - 1;

        var (facts, reason) = ImageInspector.Inspect(Data("coins.png"), limit);

        Assert.Null(facts);
        Assert.NotNull(reason);
        Assert.Contains("384×303", reason);
        Assert.Contains(limit.ToString("N0", CultureInfo.CurrentCulture), reason);
    }

    [Fact]
    public void Inspect_PixelsExactlyAtTheLimit_Accepted()
    {
        var (facts, reason) = ImageInspector.Inspect(Data("coins.png"), 384 * 303);

        Assert.Null(reason);
        Assert.NotNull(facts);
    }
}
