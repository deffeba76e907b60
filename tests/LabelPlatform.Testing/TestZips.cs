using System.IO.Compression;
using LabelPlatform.Demo;
using LabelPlatform.Web.Seed;

namespace LabelPlatform.Testing;

/// <summary>Builds zips for tests: real images from tests/data and the digits, plus whatever hostile entries a test adds.</summary>
public static class TestZips
{
    public static string DataPath(string file) => Path.Combine(AppContext.BaseDirectory, "data", file);

    public static byte[] Digit(int row = 0) =>
        DigitImages.ToPng(Enumerable.Range(0, 64).Select(i => (byte)((i * 7 + row * 3) % 17)).ToArray());

    /// <summary>A zip of <paramref name="count"/> small distinct PNGs named img/NNN.png.</summary>
    public static MemoryStream Images(int count) =>
        Build(Enumerable.Range(0, count).Select(i => ($"img/{i:000}.png", Digit(i))).ToArray());

    public static MemoryStream Build(params (string Name, byte[] Content)[] entries)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
                using var s = entry.Open();
                s.Write(content);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
