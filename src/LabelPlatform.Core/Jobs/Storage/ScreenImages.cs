using SkiaSharp;

namespace LabelPlatform.Jobs.Storage;

/// <summary>
/// Item images sized for the screen: a copy at most a given width (one of a few fixed widths, so
/// the cache stays small), made once with SkiaSharp and kept in the item store beside the original.
/// Images already that narrow are served as they are, except to workers and reviewers (<see cref="OpenPlainCopyAsync"/>).
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

        return await MakeCopyAsync(source, key, width, lossless, contentType, ct);
    }

    /// <summary>
    /// What workers and reviewers are shown: always a fresh JPEG (white behind any transparency), at most about
    /// <paramref name="wanted"/> wide and never wider than the original, so no upload's format,
    /// metadata or bytes reach the page and a gold item looks like any other.
    /// </summary>
    public async Task<(Stream Content, string ContentType)?> OpenPlainCopyAsync(ItemFile file, int wanted, CancellationToken ct)
    {
        var width = Math.Min(Bucket(wanted), file.Width);
        var key = $"screen/w{Bucket(wanted)}/{file.StorageKey[..file.StorageKey.LastIndexOf('.')]}.jpg";
        if (store.OpenRead(key) is { } cached)
        {
            return (cached, "image/jpeg");
        }

        await using var source = store.OpenRead(file.StorageKey);
        return source is null ? null : await MakeCopyAsync(source, key, width, lossless: false, "image/jpeg", ct);
    }

    private async Task<(Stream Content, string ContentType)?> MakeCopyAsync(Stream source, string key, int width, bool lossless, string contentType, CancellationToken ct)
    {
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
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, lossless ? SKAlphaType.Premul : SKAlphaType.Opaque));
        surface.Canvas.Clear(lossless ? SKColors.Transparent : SKColors.White);
        using (var picture = SKImage.FromBitmap(original))
        {
            surface.Canvas.DrawImage(picture, new SKRect(0, 0, width, height), new SKSamplingOptions(SKCubicResampler.Mitchell));
        }

        using var image = surface.Snapshot();
        using var data = image.Encode(lossless ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 88);
        return data.ToArray();
    }
}
