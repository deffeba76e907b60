using LabelPlatform.Review.Models;
using SkiaSharp;

namespace LabelPlatform.Review.Inference;

/// <summary>Turns an image into a model's input values, as its descriptor says.</summary>
public static class ImagePreprocessor
{
    private static readonly SKColor LetterboxGrey = new(114, 114, 114);

    /// <summary>Values one image takes in the input tensor: channels × height × width.</summary>
    public static int ValuesPerImage(ModelDescriptor model) => model.Channels * model.Width * model.Height;

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

        WriteValues(sized.GetPixelSpan(), model, target);
        return geometry;
    }

    private static void WriteValues(ReadOnlySpan<byte> rgba, ModelDescriptor model, Span<float> target)
    {
        var pixels = model.Width * model.Height;
        var channels = model.Channels;
        Span<float> scale = stackalloc float[channels];
        Span<float> offset = stackalloc float[channels];
        for (var c = 0; c < channels; c++)
        {
            // (v × Scale − Mean) / Std as v × a + b.
            var std = model.Std.Length > c ? model.Std[c] : 1f;
            var mean = model.Mean.Length > c ? model.Mean[c] : 0f;
            scale[c] = model.Scale / std;
            offset[c] = -mean / std;
        }

        var nchw = model.Layout == TensorLayout.Nchw;
        for (var p = 0; p < pixels; p++)
        {
            var r = rgba[p * 4];
            var g = rgba[(p * 4) + 1];
            var b = rgba[(p * 4) + 2];
            if (channels == 1)
            {
                // A grey pixel stays its own value (the weights' float sum is not exactly one).
                var grey = r == g && g == b ? r : (0.299f * r) + (0.587f * g) + (0.114f * b);
                target[p] = (grey * scale[0]) + offset[0];
                continue;
            }

            var (first, third) = model.Colour == ColourOrder.Bgr ? (b, r) : (r, b);
            if (nchw)
            {
                target[p] = (first * scale[0]) + offset[0];
                target[pixels + p] = (g * scale[1]) + offset[1];
                target[(2 * pixels) + p] = (third * scale[2]) + offset[2];
            }
            else
            {
                target[p * 3] = (first * scale[0]) + offset[0];
                target[(p * 3) + 1] = (g * scale[1]) + offset[1];
                target[(p * 3) + 2] = (third * scale[2]) + offset[2];
            }
        }
    }
}
