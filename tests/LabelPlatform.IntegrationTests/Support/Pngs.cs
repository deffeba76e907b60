using SkiaSharp;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>Valid PNGs of a chosen size, to probe the upload limits.</summary>
public static class Pngs
{
    /// <summary>One colour: many pixels in few bytes.</summary>
    public static byte[] Solid(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        bitmap.Erase(new SKColor(30, 120, 200));
        return Encode(bitmap);
    }

    /// <summary>Random colours: PNG cannot compress them, so the file is about width × height × 3 bytes or more.</summary>
    public static byte[] Noise(int width, int height, int seed)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            }
        }

        return Encode(bitmap);
    }

    private static byte[] Encode(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
