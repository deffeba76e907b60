using SkiaSharp;

namespace LabelPlatform.Jobs.ImportItems;

public sealed record ImageFacts(string ContentType, string Extension, int Width, int Height);

/// <summary>Decides whether a file's bytes are an image the platform accepts, by decoding it fully.</summary>
public static class ImageInspector
{
    public static (ImageFacts? Facts, string? Reason) Inspect(ReadOnlySpan<byte> data, long maxPixels)
    {
        if (data.Length == 0)
        {
            return (null, "empty file (0 bytes)");
        }

        var format = Sniff(data);
        if (format is null)
        {
            return (null, "not an image: PNG, JPEG, WebP or GIF expected");
        }

        using var skData = SKData.CreateCopy(data);
        using var codec = SKCodec.Create(skData);
        if (codec is null)
        {
            return (null, $"corrupt {format.Value.Name}: the image header cannot be read");
        }

        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            return (null, $"corrupt {format.Value.Name}: it has no pixels");
        }

        if ((long)width * height > maxPixels)
        {
            return (null, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{width}×{height} pixels is more than the limit of {maxPixels:N0} pixels"));
        }

        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
        {
            var what = result == SKCodecResult.IncompleteInput ? "truncated" : "corrupt";
            return (null, $"{what} {format.Value.Name}: the image data cannot be decoded ({result})");
        }

        return (new ImageFacts(format.Value.ContentType, format.Value.Extension, width, height), null);
    }

    private static (string Name, string ContentType, string Extension)? Sniff(ReadOnlySpan<byte> d)
    {
        if (d.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ("PNG", "image/png", ".png");
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return ("JPEG", "image/jpeg", ".jpg");
        }

        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8))
        {
            return ("GIF", "image/gif", ".gif");
        }

        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8))
        {
            return ("WebP", "image/webp", ".webp");
        }

        return null;
    }
}
