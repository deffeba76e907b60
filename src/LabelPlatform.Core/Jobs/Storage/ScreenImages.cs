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

    /// <summary>The widths workers' and reviewers' pages ask for: review cards, the label picker, the box editor.</summary>
    public static readonly IReadOnlyList<int> PlainWidths = [256, 1600, 2048];

    /// <summary>
    /// What workers and reviewers are shown: always a fresh JPEG (white behind any transparency),
    /// at most about <paramref name="wanted"/> wide and never wider than the original, so no
    /// upload's format, metadata or bytes reach the page and a gold item looks like any other. The
    /// copies are made when the item is imported (<see cref="PreparePlainCopiesAsync"/>): a first
    /// look costs what the hundredth does, so a gold item many have seen is not quicker to load.
    /// </summary>
    public async Task<(Stream Content, string ContentType)?> OpenPlainCopyAsync(ItemFile file, int wanted, CancellationToken ct)
    {
        var key = PlainKey(file.StorageKey, PlainWidth(file.Width, wanted));
        if (store.OpenRead(key) is { } prepared)
        {
            return (prepared, "image/jpeg");
        }

        // Items imported before copies were prepared at import: made now, once.
        await using var source = store.OpenRead(file.StorageKey);
        return source is null ? null : await MakeCopyAsync(source, key, PlainWidth(file.Width, wanted), lossless: false, "image/jpeg", ct);
    }

    /// <summary>Makes an imported item's plain copies for every width the pages use (one decode; narrow pictures need one copy).</summary>
    public async Task PreparePlainCopiesAsync(string storageKey, int originalWidth, byte[] original, CancellationToken ct)
    {
        using var bitmap = SKBitmap.Decode(original);
        if (bitmap is null)
        {
            return;
        }

        foreach (var width in PlainWidths.Select(w => PlainWidth(originalWidth, w)).Distinct())
        {
            await store.PutAsync(PlainKey(storageKey, width), Encode(bitmap, width, lossless: false), ct);
        }
    }

    /// <summary>Removes what <see cref="PreparePlainCopiesAsync"/> made (an import that did not go through).</summary>
    public void DeletePlainCopies(string storageKey, int originalWidth)
    {
        foreach (var width in PlainWidths.Select(w => PlainWidth(originalWidth, w)).Distinct())
        {
            store.Delete(PlainKey(storageKey, width));
        }
    }

    // Any width asked for snaps to one the import prepared.
    private static int PlainWidth(int originalWidth, int wanted) =>
        Math.Min(Bucket(PlainWidths.FirstOrDefault(w => w >= wanted, PlainWidths[^1])), originalWidth);

    // "<job>/<item>.png" becomes "plain/640/<job>/<item>.jpg": the store's key rules hold.
    private static string PlainKey(string storageKey, int width) => $"plain/{width}/{storageKey[..storageKey.LastIndexOf('.')]}.jpg";

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
        return original is null ? null : Encode(original, width, lossless);
    }

    private static byte[] Encode(SKBitmap original, int width, bool lossless)
    {
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
