using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;

namespace LabelPlatform.Review.Inputs;

/// <summary>
/// Model-sized input copies: an item's image already resized to a model's input (raw RGB bytes,
/// <see cref="ImagePreprocessor.Resize(SkiaSharp.SKBitmap, ModelDescriptor)"/>), kept in the item
/// store beside the original. Reading one back costs a small file read instead of a photo's decode
/// and resize, and gives exactly the same input values. Copies are shared by every model of the same
/// input size and resize mode; colour order, scaling and layout are applied when values are written.
/// Where the image landed (<see cref="ImageGeometry"/>) needs no copy: it follows from the item's width and height.
/// </summary>
public static class InputCopies
{
    /// <summary>"&lt;job&gt;/&lt;item&gt;.jpg" becomes "review/224x224-stretch/&lt;job&gt;/&lt;item&gt;.rgb": the store's key rules hold.</summary>
    public static string Key(string itemKey, ModelDescriptor model)
    {
        var dot = itemKey.LastIndexOf('.');
        var stem = dot > 0 ? itemKey[..dot] : itemKey;
        return $"review/{model.Width}x{model.Height}-{model.Resize.ToString().ToLowerInvariant()}/{stem}.rgb";
    }

    /// <summary>The copy's pixels, or null when there is none (or it is not the size this model needs).</summary>
    public static byte[]? Read(IItemStore store, string itemKey, ModelDescriptor model)
    {
        using var stream = store.OpenRead(Key(itemKey, model));
        if (stream is null)
        {
            return null;
        }

        var pixels = new byte[ImagePreprocessor.PixelBytes(model)];
        try
        {
            stream.ReadExactly(pixels);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        // A longer file is not a copy of this size either.
        return stream.ReadByte() == -1 ? pixels : null;
    }

    /// <summary>Decodes and resizes the original; null when the store has no such file or it is no image.</summary>
    public static byte[]? Make(IItemStore store, string itemKey, ModelDescriptor model)
    {
        using var stream = store.OpenRead(itemKey);
        if (stream is null)
        {
            return null;
        }

        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        return ImagePreprocessor.Resize(bytes.GetBuffer().AsSpan(0, (int)bytes.Length), model);
    }
}
