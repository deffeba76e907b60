using LabelPlatform.Review.Models;
using SkiaSharp;

namespace LabelPlatform.Review.Inference;

/// <summary>
/// Turns an image into a model's input values, as its descriptor says, in two steps: the image
/// resized to the model's input (<see cref="Resize(SKBitmap, ModelDescriptor)"/>, RGB bytes, the
/// costly part), then those pixels as values (<see cref="WriteValues"/>). The review worker keeps
/// the first step's bytes as a model-sized copy of each item, so the same values come from either.
/// </summary>
public static class ImagePreprocessor
{
    private static readonly SKColor LetterboxGrey = new(114, 114, 114);

    /// <summary>Values one image takes in the input tensor: channels × height × width.</summary>
    public static int ValuesPerImage(ModelDescriptor model) => model.Channels * model.Width * model.Height;

    /// <summary>Bytes of one image resized for the model: width × height RGB pixels, row by row.</summary>
    public static int PixelBytes(ModelDescriptor model) => model.Width * model.Height * 3;

    /// <summary>
    /// Decodes <paramref name="encoded"/> and writes its input values into <paramref name="target"/>
    /// (one image's share of the batch tensor). Returns where the image landed, or null when the bytes are no image.
    /// </summary>
    public static ImageGeometry? Fill(ReadOnlySpan<byte> encoded, ModelDescriptor model, Span<float> target)
    {
        using var data = SKData.CreateCopy(encoded);
        using var source = SKBitmap.Decode(data);
        return source is null ? null : Fill(source, model, target);
    }

    public static ImageGeometry Fill(SKBitmap source, ModelDescriptor model, Span<float> target)
    {
        WriteValues(Resize(source, model), model, target);
        return ImageGeometry.For(model, source.Width, source.Height);
    }

    /// <summary>The image resized to the model's input (RGB bytes), or null when the bytes are no image.</summary>
    public static byte[]? Resize(ReadOnlySpan<byte> encoded, ModelDescriptor model)
    {
        using var data = SKData.CreateCopy(encoded);
        using var source = SKBitmap.Decode(data);
        return source is null ? null : Resize(source, model);
    }

    /// <summary>The image resized to the model's input: <see cref="PixelBytes"/> RGB bytes, row by row.</summary>
    public static byte[] Resize(SKBitmap source, ModelDescriptor model)
    {
        var geometry = ImageGeometry.For(model, source.Width, source.Height);
        using var sized = new SKBitmap(new SKImageInfo(model.Width, model.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(sized))
        {
            canvas.Clear(model.Resize == ImageResize.Letterbox ? LetterboxGrey : SKColors.Black);
            using var image = SKImage.FromBitmap(source);
            var destination = SKRect.Create(geometry.PadX, geometry.PadY, source.Width * geometry.ScaleX, source.Height * geometry.ScaleY);

            // Mipmaps make large downscales average every source pixel instead of skipping most of them.
            canvas.DrawImage(image, destination, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }

        var rgba = sized.GetPixelSpan();
        var rgb = new byte[PixelBytes(model)];
        for (int p = 0, q = 0; q < rgb.Length; p += 4, q += 3)
        {
            rgb[q] = rgba[p];
            rgb[q + 1] = rgba[p + 1];
            rgb[q + 2] = rgba[p + 2];
        }

        return rgb;
    }

    /// <summary>Writes the input values of one model-sized image (<see cref="Resize(SKBitmap, ModelDescriptor)"/>'s bytes).</summary>
    public static void WriteValues(ReadOnlySpan<byte> rgb, ModelDescriptor model, Span<float> target)
    {
        var pixels = model.Width * model.Height;
        if (rgb.Length != pixels * 3 || target.Length < ValuesPerImage(model))
        {
            throw new ArgumentException($"Expected {pixels * 3} bytes of pixels for a {model.Width}x{model.Height} input.", nameof(rgb));
        }

        var channels = model.Channels;
        if (channels == 1)
        {
            var (scale, offset) = Affine(model, 0);
            for (var p = 0; p < pixels; p++)
            {
                var (r, g, b) = (rgb[p * 3], rgb[(p * 3) + 1], rgb[(p * 3) + 2]);

                // A grey pixel stays its own value (the weights' float sum is not exactly one).
                var grey = r == g && g == b ? r : (0.299f * r) + (0.587f * g) + (0.114f * b);
                target[p] = (grey * scale) + offset;
            }

            return;
        }

        // Each channel's 256 possible values, worked out once: a look-up per value instead of a
        // conversion and a multiply-add, and exactly the values the formula gives.
        Span<float> table = stackalloc float[3 * 256];
        for (var c = 0; c < 3; c++)
        {
            var (scale, offset) = Affine(model, c);
            for (var v = 0; v < 256; v++)
            {
                table[(c * 256) + v] = (v * scale) + offset;
            }
        }

        ReadOnlySpan<float> first = table[..256], second = table.Slice(256, 256), third = table[512..];

        // The model's first channel is red, or blue when it wants BGR.
        var (from0, from2) = model.Colour == ColourOrder.Bgr ? (2, 0) : (0, 2);
        if (model.Layout == TensorLayout.Nchw)
        {
            var plane0 = target[..pixels];
            var plane1 = target.Slice(pixels, pixels);
            var plane2 = target.Slice(2 * pixels, pixels);
            for (var p = 0; p < pixels; p++)
            {
                var q = p * 3;
                plane0[p] = first[rgb[q + from0]];
                plane1[p] = second[rgb[q + 1]];
                plane2[p] = third[rgb[q + from2]];
            }
        }
        else
        {
            for (var p = 0; p < pixels; p++)
            {
                var q = p * 3;
                target[q] = first[rgb[q + from0]];
                target[q + 1] = second[rgb[q + 1]];
                target[q + 2] = third[rgb[q + from2]];
            }
        }
    }

    // (v × Scale − Mean) / Std as v × a + b.
    private static (float Scale, float Offset) Affine(ModelDescriptor model, int channel)
    {
        var std = model.Std.Length > channel ? model.Std[channel] : 1f;
        var mean = model.Mean.Length > channel ? model.Mean[channel] : 0f;
        return (model.Scale / std, -mean / std);
    }
}
