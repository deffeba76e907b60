using SkiaSharp;

namespace LabelPlatform.Jobs.Storage;

/// <summary>
/// Item images sized for the screen: a copy at most a given width (one of a few fixed widths, so
/// the cache stays small), made once with SkiaSharp and kept in the item store beside the original.
/// Images already that narrow are served as they are.
/// </summary>
public sealed class ScreenImages(IItemStore store)
{
    public static readonly IReadOnlyList<int> Widths = [320, 640, 1024, 1600, 2048, 4096];

    /// <summary>The smallest fixed width at least <paramref name="wanted"/> (the largest when none is).</summary>
    public static int Bucket(int wanted) => Widths.FirstOrDefault(w => w >= wanted, Widths[^1]);

    public async Task<(Stream Content, string ContentType)?> OpenAsync(ItemFile file, int? wanted, CancellationToken ct)
    {
        if (wanted is null || file.Width <= Bucket(wanted.Value))
        {
            var original = store.OpenRead(file.StorageKey);
            return original is null ? null : (original, file.ContentType);
        }

        var width = Bucket(wanted.Value);
        var lossless = file.ContentType is "image/png" or "image/gif";
        // "<job>/<item>.png" becomes "screen/1600/<job>/<item>.png" (or .jpg): the store's key rules hold.
        var stem = file.StorageKey[..file.StorageKey.LastIndexOf('.')];
        var key = $"screen/{width}/{stem}.{(lossless ? "png" : "jpg")}";
        var contentType = lossless ? "image/png" : "image/jpeg";
        var cached = store.OpenRead(key);
        if (cached is not null)
        {
            return (cached, contentType);
        }

        await using var source = store.OpenRead(file.StorageKey);
        if (source is null)
        {
            return null;
        }

        var resized = Resize(source, width, lossless);
        if (resized is null)
        {
            return null;
        }

        // Two requests may make the same copy at once; the store writes whole files, so either copy serves.
        await store.PutAsync(key, resized, ct);
        return (new MemoryStream(resized, writable: false), contentType);
    }

    private static byte[]? Resize(Stream source, int width, bool lossless)
    {
        using var original = SKBitmap.Decode(source);
        if (original is null)
        {
            return null;
        }

        var height = Math.Max(1, (int)Math.Round(original.Height * (double)width / original.Width));
        using var scaled = original.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var image = SKImage.FromBitmap(scaled);
        using var data = image.Encode(lossless ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 88);
        return data.ToArray();
    }
}
