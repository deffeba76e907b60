using LabelPlatform.Review.Models;

namespace LabelPlatform.Review.Decoding;

/// <summary>
/// Turns a detection model's raw outputs into <see cref="Detection"/>s in the original image's pixels.
/// Outputs are (data, shape) pairs by output name, the data row-major as ONNX Runtime returns it
/// (class indexes converted to float).
/// </summary>
public static partial class DetectionDecoder
{
    /// <summary>
    /// The detections for image <paramref name="batchIndex"/> of the batch: per anchor the best class,
    /// kept when its score reaches <see cref="ModelDescriptor.ScoreThreshold"/> and the class is in the
    /// label map; then per-class NMS, then mapped to the original image through
    /// <paramref name="geometry"/> and clipped to it. Sorted by score, highest first.
    /// </summary>
    /// <exception cref="ArgumentException">The outputs don't fit the layout (run <see cref="CheckOutputs"/> when loading the model).</exception>
    public static IReadOnlyList<Detection> Decode(
        ModelDescriptor model,
        IReadOnlyDictionary<string, (float[] Data, long[] Shape)> outputs,
        int batchIndex,
        ImageGeometry geometry)
    {
        RequireDetectionModel(model);
        var problem = CheckShapes(model, outputs.ToDictionary(o => o.Key, o => o.Value.Shape), out _);
        if (problem is not null)
        {
            throw new ArgumentException(problem, nameof(outputs));
        }

        foreach (var (name, (data, shape)) in outputs)
        {
            var count = shape.Aggregate(1L, (product, dim) => product * dim);
            if (count != data.Length)
            {
                throw new ArgumentException($"Output \"{name}\" has shape {Format(shape)} but {data.Length} values.", nameof(outputs));
            }
        }

        ArgumentOutOfRangeException.ThrowIfNegative(batchIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(batchIndex, outputs[model.BoxesOutput!].Shape[0]);

        var inInputPixels = model.DetectionLayout switch
        {
            DetectionLayout.YoloV8 => YoloV8(model, outputs[model.BoxesOutput!], batchIndex),
            DetectionLayout.YoloV5 => YoloV5(model, outputs[model.BoxesOutput!], batchIndex),
            DetectionLayout.SeparateOutputs => Separate(model, outputs[model.BoxesOutput!], outputs[model.ScoresOutput!], outputs[model.LabelsOutput!], batchIndex),
            var other => throw new ArgumentOutOfRangeException(nameof(model), other, "Unknown detection layout."),
        };

        // NMS before clipping, as YOLO's own post-processing does: IoU is the same in input and
        // original pixels (both axes are only scaled and shifted), but clipping would change it.
        var kept = Nms.Apply(inInputPixels.Select(d => ToOriginal(d, geometry)), model.NmsIou);
        return [.. kept.Select(d => ClipToImage(d, geometry)).OfType<Detection>()];
    }

    private static IEnumerable<Detection> YoloV8(ModelDescriptor model, (float[] Data, long[] Shape) output, int batchIndex)
    {
        var (data, shape) = output;
        var features = (int)shape[1];
        var anchors = (int)shape[2];
        var start = batchIndex * features * anchors;

        for (var a = 0; a < anchors; a++)
        {
            // Feature f of anchor a is at start + f × anchors + a.
            var at = start + a;
            var (classIndex, score) = BestClass(data, at + (4 * anchors), anchors, features - 4);
            var (cx, cy, w, h) = (data[at], data[at + anchors], data[at + (2 * anchors)], data[at + (3 * anchors)]);
            if (Candidate(model, classIndex, score, cx - (w / 2), cy - (h / 2), w, h) is { } detection)
            {
                yield return detection;
            }
        }
    }

    private static IEnumerable<Detection> YoloV5(ModelDescriptor model, (float[] Data, long[] Shape) output, int batchIndex)
    {
        var (data, shape) = output;
        var anchors = (int)shape[1];
        var features = (int)shape[2];
        var start = batchIndex * anchors * features;

        for (var a = 0; a < anchors; a++)
        {
            var row = start + (a * features);
            var (classIndex, classScore) = BestClass(data, row + 5, 1, features - 5);
            var score = data[row + 4] * classScore;
            var (cx, cy, w, h) = (data[row], data[row + 1], data[row + 2], data[row + 3]);
            if (Candidate(model, classIndex, score, cx - (w / 2), cy - (h / 2), w, h) is { } detection)
            {
                yield return detection;
            }
        }
    }

    private static IEnumerable<Detection> Separate(
        ModelDescriptor model,
        (float[] Data, long[] Shape) boxes,
        (float[] Data, long[] Shape) scores,
        (float[] Data, long[] Shape) labels,
        int batchIndex)
    {
        var count = (int)boxes.Shape[1];
        var start = batchIndex * count;

        for (var k = 0; k < count; k++)
        {
            var label = labels.Data[start + k];
            if (!float.IsFinite(label) || Math.Abs(label) > int.MaxValue)
            {
                continue;
            }

            var box = (start + k) * 4;
            var (x1, y1, x2, y2) = (boxes.Data[box], boxes.Data[box + 1], boxes.Data[box + 2], boxes.Data[box + 3]);
            var classIndex = (int)MathF.Round(label);
            if (Candidate(model, classIndex, scores.Data[start + k], x1, y1, x2 - x1, y2 - y1) is { } detection)
            {
                yield return detection;
            }
        }
    }

    /// <summary>
    /// The class the model rates highest, over all its classes. Unmapped classes take part: an anchor
    /// that sees a truck (unmapped) must not become a car because "car" came second.
    /// </summary>
    private static (int ClassIndex, float Score) BestClass(float[] data, int first, int stride, int classes)
    {
        var best = (ClassIndex: -1, Score: float.NegativeInfinity);
        for (var c = 0; c < classes; c++)
        {
            var s = data[first + (c * stride)];
            if (s > best.Score)
            {
                best = (c, s);
            }
        }

        return best;
    }

    /// <summary>A box in input pixels, when it passes the threshold and its class is in the label map.</summary>
    private static Detection? Candidate(ModelDescriptor model, int classIndex, float score, float x, float y, float w, float h)
    {
        var usable = score >= model.ScoreThreshold
            && model.LabelMap.ContainsKey(classIndex)
            && float.IsFinite(x) && float.IsFinite(y) && float.IsFinite(w) && float.IsFinite(h);
        return usable ? new Detection(classIndex, score, x, y, w, h) : null;
    }

    private static Detection ToOriginal(Detection d, ImageGeometry g) =>
        d with { X = (d.X - g.PadX) / g.ScaleX, Y = (d.Y - g.PadY) / g.ScaleY, W = d.W / g.ScaleX, H = d.H / g.ScaleY };

    /// <summary>The part of the box inside the image; null when none is (a box in the letterbox padding).</summary>
    private static Detection? ClipToImage(Detection d, ImageGeometry g)
    {
        var x1 = Math.Clamp(d.X, 0, g.OriginalWidth);
        var y1 = Math.Clamp(d.Y, 0, g.OriginalHeight);
        var x2 = Math.Clamp(d.X + d.W, 0, g.OriginalWidth);
        var y2 = Math.Clamp(d.Y + d.H, 0, g.OriginalHeight);
        return x2 > x1 && y2 > y1 ? d with { X = x1, Y = y1, W = x2 - x1, H = y2 - y1 } : null;
    }

    private static void RequireDetectionModel(ModelDescriptor model)
    {
        if (model.Kind != ModelKind.Detection)
        {
            throw new ArgumentException($"A {model.Kind} model has no detections to decode.", nameof(model));
        }
    }
}
