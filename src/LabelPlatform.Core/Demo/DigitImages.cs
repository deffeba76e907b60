using System.IO.Compression;
using SkiaSharp;

namespace LabelPlatform.Demo;

public sealed record Digit(int Row, byte[] Pixels, int Label);

/// <summary>Reads the 8×8 handwritten digits and renders them as PNGs a person can see.</summary>
public static class DigitImages
{
    public static IEnumerable<Digit> Read(string gzPath)
    {
        using var file = File.OpenRead(gzPath);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gz);
        var row = 0;
        while (reader.ReadLine() is { } line)
        {
            var values = line.Split(',');
            if (values.Length != 65)
            {
                throw new InvalidDataException($"{gzPath} line {row + 1}: expected 65 values, found {values.Length}.");
            }

            yield return new Digit(row++, values[..64].Select(v => (byte)(int)double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray(), (int)double.Parse(values[64], System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// Nearest-neighbour upscale: dark ink on white, grey = 255 − 15 × value (value 0..16). Fifteen
    /// grey levels a step, so the review worker recovers every value exactly: value / 16 = (255 − grey) / 240.
    /// </summary>
    public static byte[] ToPng(byte[] pixels, int size = 128)
    {
        var scale = size / 8;
        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Gray8, SKAlphaType.Opaque));
        var target = bitmap.GetPixelSpan();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var v = pixels[(y / scale * 8) + (x / scale)];
                target[(y * bitmap.RowBytes) + x] = (byte)(255 - (Math.Min(v, (byte)16) * 15));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A zip of the first <paramref name="count"/> digits as digits/NNNN.png.</summary>
    public static MemoryStream ZipOf(IEnumerable<Digit> digits, int count)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var digit in digits.Take(count))
            {
                var entry = archive.CreateEntry($"digits/{digit.Row:0000}.png", CompressionLevel.Fastest);
                using var stream = entry.Open();
                stream.Write(ToPng(digit.Pixels));
            }
        }

        zip.Position = 0;
        return zip;
    }
}
