using System.IO.Compression;
using LabelPlatform.Demo;
using SkiaSharp;

namespace LabelPlatform.Bench.Workspace;

/// <summary>The images the workspace benchmark uploads: the demo's handwritten digits, and one large photo-like scene.</summary>
public static class BenchImages
{
    /// <summary>A zip of the first <paramref name="count"/> digits of the demo's seed file, rendered exactly as the demo job imports them.</summary>
    public static MemoryStream DigitsZip(string digitsCsvGz, int count)
    {
        var digits = DigitImages.Read(digitsCsvGz).Take(count).ToList();
        return digits.Count == count
            ? DigitImages.ZipOf(digits, count)
            : throw new ArgumentException($"{digitsCsvGz} has {digits.Count} digits; {count} were asked for.");
    }

    /// <summary>A zip as a researcher uploads it; images are stored, not deflated again.</summary>
    public static MemoryStream Zip(params (string Name, byte[] Content)[] entries)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = archive.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(content);
            }
        }

        zip.Position = 0;
        return zip;
    }

    /// <summary>
    /// A JPEG that compresses like a camera photo: a gradient, a few hundred overlapping shapes and
    /// sensor-like noise (a flat image would make the server's resize and the browser's decode too cheap).
    /// </summary>
    public static byte[] SceneJpeg(int width, int height, int seed = 42)
    {
        var random = new Random(seed);
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var sky = new SKPaint();
            sky.Shader = SKShader.CreateLinearGradient(
                new SKPoint(0, 0), new SKPoint(width * 0.3f, height), [new SKColor(90, 140, 200), new SKColor(120, 110, 80)], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, sky);
            using var paint = new SKPaint { IsAntialias = true };
            for (var i = 0; i < 600; i++)
            {
                paint.Color = new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(60, 230));
                float x = random.Next(width), y = random.Next(height), r = random.Next(20, 400);
                if (i % 2 == 0)
                {
                    canvas.DrawCircle(x, y, r, paint);
                }
                else
                {
                    canvas.DrawRect(x - r, y - (r / 2), r * 1.6f, r, paint);
                }
            }
        }

        var pixels = bitmap.GetPixelSpan();
        var noise = new byte[pixels.Length];
        random.NextBytes(noise);
        for (var i = 0; i < pixels.Length; i++)
        {
            if (i % 4 != 3)
            {
                pixels[i] = (byte)Math.Clamp(pixels[i] + (noise[i] % 25) - 12, 0, 255);
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 90);
        return data.ToArray();
    }
}
