using System.Globalization;
using LabelPlatform.Review.Models;

namespace LabelPlatform.Review.Decoding;

public static partial class DetectionDecoder
{
    /// <summary>
    /// Whether a model's outputs can be decoded with <paramref name="model"/>'s layout: null when they
    /// can, else one sentence for the person who uploaded the model, naming the output, its shape and
    /// what the layout needs. Shapes are as ONNX Runtime reports them, -1 for a symbolic dimension;
    /// an unknown dimension is given the benefit of the doubt (the class count too, when it is unknown).
    /// </summary>
    public static string? CheckOutputs(ModelDescriptor model, IReadOnlyDictionary<string, long[]> outputShapes)
    {
        RequireDetectionModel(model);
        return CheckShapes(model, outputShapes, out var classes) ?? CheckLabelMap(model, classes);
    }

    private static string? CheckShapes(ModelDescriptor model, IReadOnlyDictionary<string, long[]> shapes, out long? classes)
    {
        classes = null;
        return model.DetectionLayout switch
        {
            DetectionLayout.YoloV8 => CheckYolo(model, shapes, 1, 4, "a YOLO v8 model's output must be [N, 4 + classes, anchors]", out classes),
            DetectionLayout.YoloV5 => CheckYolo(model, shapes, 2, 5, "a YOLO v5 model's output must be [N, anchors, 5 + classes]", out classes),
            DetectionLayout.SeparateOutputs => CheckSeparate(model, shapes),
            var other => throw new ArgumentOutOfRangeException(nameof(model), other, "Unknown detection layout."),
        };
    }

    /// <summary>One [N, ·, ·] output whose <paramref name="featureAxis"/> holds the box values, then one score per class.</summary>
    private static string? CheckYolo(
        ModelDescriptor model,
        IReadOnlyDictionary<string, long[]> shapes,
        int featureAxis,
        int boxFeatures,
        string expected,
        out long? classes)
    {
        classes = null;
        if (Missing(shapes, model.BoxesOutput, "detections") is { } problem)
        {
            return problem;
        }

        var shape = shapes[model.BoxesOutput!];
        if (shape.Length != 3 || IsKnownBelow(shape[featureAxis], boxFeatures + 1))
        {
            return Mismatch(model.BoxesOutput!, shape, expected);
        }

        classes = shape[featureAxis] < 0 ? null : shape[featureAxis] - boxFeatures;
        return null;
    }

    /// <summary>Separate outputs carry no class count, so the label map can't be checked against one.</summary>
    private static string? CheckSeparate(ModelDescriptor model, IReadOnlyDictionary<string, long[]> shapes)
    {
        var problem = Missing(shapes, model.BoxesOutput, "boxes")
            ?? Missing(shapes, model.ScoresOutput, "scores")
            ?? Missing(shapes, model.LabelsOutput, "labels");
        if (problem is not null)
        {
            return problem;
        }

        var (boxes, scores, labels) = (shapes[model.BoxesOutput!], shapes[model.ScoresOutput!], shapes[model.LabelsOutput!]);
        if (boxes.Length != 3 || (boxes[2] >= 0 && boxes[2] != 4))
        {
            return Mismatch(model.BoxesOutput!, boxes, "the boxes output must be [N, K, 4] (x1, y1, x2, y2)");
        }

        if (scores.Length != 2)
        {
            return Mismatch(model.ScoresOutput!, scores, "the scores output must be [N, K]");
        }

        if (labels.Length != 2)
        {
            return Mismatch(model.LabelsOutput!, labels, "the labels output must be [N, K]");
        }

        for (var axis = 0; axis < 2; axis++)
        {
            var known = new[] { boxes[axis], scores[axis], labels[axis] }.Where(d => d >= 0).Distinct();
            if (known.Count() > 1)
            {
                return $"Outputs \"{model.BoxesOutput}\" {Format(boxes)}, \"{model.ScoresOutput}\" {Format(scores)} " +
                    $"and \"{model.LabelsOutput}\" {Format(labels)} must agree on N and K.";
            }
        }

        return null;
    }

    private static string? CheckLabelMap(ModelDescriptor model, long? classes)
    {
        if (classes is not { } count)
        {
            return null;
        }

        var unknown = model.LabelMap.Keys.Where(c => c < 0 || c >= count).Order().ToList();
        if (unknown.Count == 0)
        {
            return null;
        }

        var which = unknown.Count == 1
            ? $"class {unknown[0]}"
            : $"classes {string.Join(", ", unknown[..^1])} and {unknown[^1]}";
        return $"The label map uses {which} but the model has {count} {(count == 1 ? "class" : "classes")} (0 to {count - 1}).";
    }

    private static string? Missing(IReadOnlyDictionary<string, long[]> shapes, string? name, string role)
    {
        if (string.IsNullOrEmpty(name))
        {
            return $"The model settings don't say which output holds the {role}.";
        }

        if (shapes.ContainsKey(name))
        {
            return null;
        }

        var names = shapes.Count == 0 ? "none" : string.Join(", ", shapes.Keys.Select(k => $"\"{k}\""));
        return $"The model has no output \"{name}\" (for the {role}); its outputs are {names}.";
    }

    private static bool IsKnownBelow(long dim, long minimum) => dim >= 0 && dim < minimum;

    private static string Mismatch(string name, long[] shape, string expected) =>
        $"Output \"{name}\" has shape {Format(shape)} but {expected}.";

    /// <summary>"[1, 84, 8400]", with "?" for a dimension ORT reports as symbolic (-1).</summary>
    private static string Format(long[] shape) =>
        $"[{string.Join(", ", shape.Select(d => d < 0 ? "?" : d.ToString(CultureInfo.InvariantCulture)))}]";
}
