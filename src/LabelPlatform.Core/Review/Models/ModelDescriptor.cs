namespace LabelPlatform.Review.Models;

public enum ModelKind
{
    Classification,
    Detection,
}

public enum TensorLayout
{
    /// <summary>[N, C, H, W]</summary>
    Nchw,

    /// <summary>[N, H, W, C]</summary>
    Nhwc,
}

public enum ColourOrder
{
    Rgb,
    Bgr,

    /// <summary>One channel: 0.299 R + 0.587 G + 0.114 B.</summary>
    Grey,
}

public enum ImageResize
{
    /// <summary>Scaled to the input size, aspect ratio not kept.</summary>
    Stretch,

    /// <summary>Scaled to fit with the aspect ratio kept, centred, padded with grey (114).</summary>
    Letterbox,
}

public enum ClassificationOutput
{
    Probabilities,

    /// <summary>Raw scores; softmax gives the probabilities.</summary>
    Logits,
}

public enum DetectionLayout
{
    /// <summary>YOLO v8 / v11: one output [N, 4 + C, A]; rows cx, cy, w, h (input pixels) then C class scores.</summary>
    YoloV8,

    /// <summary>YOLO v5: one output [N, A, 5 + C]; cx, cy, w, h (input pixels), objectness, then C class scores.</summary>
    YoloV5,

    /// <summary>Three outputs: boxes [N, K, 4] as x1, y1, x2, y2 (input pixels), scores [N, K], labels [N, K] (class indexes).</summary>
    SeparateOutputs,
}

/// <summary>
/// How to feed a model and read what it says. Pixel values are
/// <c>(value × Scale − Mean[c]) / Std[c]</c> per channel, value being 0..255.
/// </summary>
public sealed record ModelDescriptor
{
    public ModelKind Kind { get; init; }

    public string InputName { get; init; } = "input";

    public TensorLayout Layout { get; init; } = TensorLayout.Nchw;

    public int Width { get; init; }

    public int Height { get; init; }

    public ColourOrder Colour { get; init; } = ColourOrder.Rgb;

    public float Scale { get; init; } = 1f / 255f;

    public float[] Mean { get; init; } = [0f, 0f, 0f];

    public float[] Std { get; init; } = [1f, 1f, 1f];

    public ImageResize Resize { get; init; } = ImageResize.Stretch;

    /// <summary>Classification: the output holding one score per class, [N, C].</summary>
    public string? OutputName { get; init; }

    public ClassificationOutput ClassificationOutput { get; init; } = ClassificationOutput.Probabilities;

    public DetectionLayout DetectionLayout { get; init; } = DetectionLayout.YoloV8;

    /// <summary>Detection: the single output (YOLO layouts) or the boxes output (separate outputs).</summary>
    public string? BoxesOutput { get; init; }

    public string? ScoresOutput { get; init; }

    public string? LabelsOutput { get; init; }

    public float ScoreThreshold { get; init; } = 0.25f;

    public float NmsIou { get; init; } = 0.45f;

    /// <summary>Model class index → the job's label. Classes not in the map are ignored.</summary>
    public Dictionary<int, string> LabelMap { get; init; } = [];

    public int Channels => Colour == ColourOrder.Grey ? 1 : 3;
}

/// <summary>
/// Where an image landed in the model's input: input pixel = original pixel × scale + pad. Detections
/// are mapped back with it to the original image's pixels.
/// </summary>
public sealed record ImageGeometry(int OriginalWidth, int OriginalHeight, float ScaleX, float ScaleY, float PadX, float PadY)
{
    public static ImageGeometry For(ModelDescriptor model, int width, int height)
    {
        if (model.Resize == ImageResize.Stretch)
        {
            return new(width, height, (float)model.Width / width, (float)model.Height / height, 0, 0);
        }

        var scale = Math.Min((float)model.Width / width, (float)model.Height / height);
        return new(width, height, scale, scale, (model.Width - (width * scale)) / 2f, (model.Height - (height * scale)) / 2f);
    }
}

/// <summary>One object a detection model found, in the original image's pixels.</summary>
public sealed record Detection(int ClassIndex, float Score, float X, float Y, float W, float H);
