using System.Numerics;
using System.Numerics.Tensors;
using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LabelPlatform.Review.Inference;

/// <summary>Runs a detection model over a batch of prepared inputs in one inference.</summary>
public static class Detector
{
    /// <summary>
    /// Each image's detections in its original pixels (see <see cref="DetectionDecoder.Decode"/>):
    /// only classes in the label map, at or above the descriptor's score threshold, after NMS.
    /// </summary>
    /// <param name="inputs">The batch's input values, image after image (see <see cref="ImagePreprocessor"/>).</param>
    /// <param name="geometries">Where each image landed in the input; null for an image that could not be read (no detections).</param>
    public static IReadOnlyList<IReadOnlyList<Detection>> Run(InferenceSession session, ModelDescriptor model, float[] inputs, IReadOnlyList<ImageGeometry?> geometries)
    {
        var count = geometries.Count;
        var shape = model.Layout == TensorLayout.Nchw
            ? new long[] { count, model.Channels, model.Height, model.Width }
            : [count, model.Height, model.Width, model.Channels];
        string[] names = model.DetectionLayout == DetectionLayout.SeparateOutputs
            ? [model.BoxesOutput!, model.ScoresOutput!, model.LabelsOutput!]
            : [model.BoxesOutput!];
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [model.InputName], [input], names);

        var outputs = new Dictionary<string, (float[] Data, long[] Shape)>(StringComparer.Ordinal);
        for (var o = 0; o < names.Length; o++)
        {
            outputs[names[o]] = AsFloats(results[o]);
        }

        return [.. geometries.Select((geometry, i) => geometry is null ? [] : DetectionDecoder.Decode(model, outputs, i, geometry))];
    }

    /// <summary>The decoder takes floats: class indexes that come as int64 (torchvision-style exports) are converted.</summary>
    private static (float[] Data, long[] Shape) AsFloats(OrtValue value)
    {
        var info = value.GetTensorTypeAndShape();
        return info.ElementDataType switch
        {
            TensorElementType.Float => (value.GetTensorDataAsSpan<float>().ToArray(), info.Shape),
            TensorElementType.Int64 => (Convert(value.GetTensorDataAsSpan<long>()), info.Shape),
            TensorElementType.Int32 => (Convert(value.GetTensorDataAsSpan<int>()), info.Shape),
            var other => throw new NotSupportedException($"A detection output of {other} values can't be decoded."),
        };
    }

    private static float[] Convert<T>(ReadOnlySpan<T> values)
        where T : unmanaged, INumberBase<T>
    {
        var floats = new float[values.Length];
        TensorPrimitives.ConvertChecked<T, float>(values, floats);
        return floats;
    }
}
