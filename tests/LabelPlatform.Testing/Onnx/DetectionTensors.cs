namespace LabelPlatform.Testing.Onnx;

/// <summary>
/// Lays out detection rows, one per anchor and image, the way each kind of detection model returns
/// them, for <see cref="TestModels.ConstantOutputs"/>. Every image needs the same number of rows.
/// </summary>
public static class DetectionTensors
{
    /// <summary>Rows of cx, cy, w, h, then one score per class → [images, 4 + classes, anchors].</summary>
    public static OnnxTensor YoloV8(string name, params IReadOnlyList<float[]>[] images)
    {
        var (anchors, features) = Size(images);
        var data = new float[images.Length * features * anchors];
        for (var b = 0; b < images.Length; b++)
        {
            for (var a = 0; a < anchors; a++)
            {
                for (var f = 0; f < features; f++)
                {
                    data[(b * features * anchors) + (f * anchors) + a] = images[b][a][f];
                }
            }
        }

        return OnnxTensor.Float(name, [images.Length, features, anchors], data);
    }

    /// <summary>Rows of cx, cy, w, h, objectness, then one score per class → [images, anchors, 5 + classes].</summary>
    public static OnnxTensor YoloV5(string name, params IReadOnlyList<float[]>[] images)
    {
        var (anchors, features) = Size(images);
        return OnnxTensor.Float(name, [images.Length, anchors, features], [.. images.SelectMany(rows => rows.SelectMany(r => r))]);
    }

    /// <summary>
    /// Rows of x1, y1, x2, y2, score, class index → boxes [images, K, 4], scores [images, K] and
    /// labels [images, K] (int64, as torchvision-style exports give them).
    /// </summary>
    public static OnnxTensor[] Separate(string boxes, string scores, string labels, params IReadOnlyList<float[]>[] images)
    {
        var (count, _) = Size(images);
        var rows = images.SelectMany(r => r).ToList();
        return
        [
            OnnxTensor.Float(boxes, [images.Length, count, 4], [.. rows.SelectMany(r => r[..4])]),
            OnnxTensor.Float(scores, [images.Length, count], [.. rows.Select(r => r[4])]),
            OnnxTensor.Int64(labels, [images.Length, count], [.. rows.Select(r => (long)r[5])]),
        ];
    }

    private static (int Rows, int Features) Size(IReadOnlyList<float[]>[] images)
    {
        var rows = images[0].Count;
        var features = images[0][0].Length;
        if (images.Any(image => image.Count != rows || image.Any(r => r.Length != features)))
        {
            throw new ArgumentException("Every image needs the same number of rows, each of the same length.", nameof(images));
        }

        return (rows, features);
    }
}
