using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing.Onnx;

namespace LabelPlatform.UnitTests.Review;

/// <summary>
/// One scene, written out in each output layout, returned by a real ONNX model (run in ONNX Runtime)
/// and decoded. The model input is 64 × 64; classes are 0 cat, 1 dog, 2 bird (bird not in the label
/// map). Boxes below are in input pixels.
/// </summary>
public class DetectionDecoderTests
{
    // cx, cy, w, h | cat, dog, bird
    private static readonly float[][] SceneV8 =
    [
        [20, 32, 16, 16, 0.9f, 0.1f, 0f], // cat: kept
        [22, 32, 16, 16, 0.8f, 0f, 0f], // cat over the first (IoU 0.78): suppressed by NMS
        [21, 33, 16, 16, 0.05f, 0.7f, 0f], // dog over the first cat: another class, kept
        [44, 32, 8, 8, 0.2f, 0f, 0f], // cat below the 0.25 threshold
        [40, 40, 12, 12, 0.5f, 0f, 0.95f], // bird (unmapped) with cat second: not a cat, dropped
        [60, 16, 16, 8, 0f, 0.6f, 0f], // dog past the right edge: clipped
        [44, 24, 8, 8, 0.3f, 0f, 0f], // cat away from the others: kept
        [8, 56, 8, 6, 0.4f, 0f, 0f], // cat that letterboxing puts in the bottom padding
    ];

    // cx, cy, w, h, objectness | cat, dog, bird: the same scene, scores split as objectness × class.
    private static readonly float[][] SceneV5 =
    [
        [20, 32, 16, 16, 1f, 0.9f, 0.1f, 0f],
        [22, 32, 16, 16, 1f, 0.8f, 0f, 0f],
        [21, 33, 16, 16, 1f, 0.05f, 0.7f, 0f],
        [44, 32, 8, 8, 0.25f, 0.8f, 0f, 0f], // class 0.8 but 0.25 × 0.8 = 0.2: below the threshold
        [40, 40, 12, 12, 1f, 0.5f, 0f, 0.95f],
        [60, 16, 16, 8, 1f, 0f, 0.6f, 0f],
        [44, 24, 8, 8, 0.5f, 0.6f, 0f, 0f], // 0.5 × 0.6 = 0.3
        [8, 56, 8, 6, 1f, 0.4f, 0f, 0f],
    ];

    // x1, y1, x2, y2, score, class: the same scene as a model with its own post-processing returns it.
    private static readonly float[][] SceneSeparate =
    [
        [12, 24, 28, 40, 0.9f, 0],
        [14, 24, 30, 40, 0.8f, 0],
        [13, 25, 29, 41, 0.7f, 1],
        [40, 28, 48, 36, 0.2f, 0],
        [34, 34, 46, 46, 0.95f, 2],
        [52, 12, 68, 20, 0.6f, 1],
        [40, 20, 48, 28, 0.3f, 0],
        [4, 53, 12, 59, 0.4f, 0],
        [0, 0, 0, 0, 0f, -1], // padding row, as fixed-K exports add
    ];

    /// <summary>Original 128 × 32 stretched to 64 × 64: x halved, y doubled.</summary>
    private static readonly Detection[] ExpectedStretch =
    [
        new(0, 0.9f, 24, 12, 32, 8),
        new(1, 0.7f, 26, 12.5f, 32, 8),
        new(1, 0.6f, 104, 6, 24, 4),
        new(0, 0.4f, 8, 26.5f, 16, 3),
        new(0, 0.3f, 80, 10, 16, 4),
    ];

    /// <summary>Original 128 × 64 letterboxed into 64 × 64: halved, 16 px of padding above and below.</summary>
    private static readonly Detection[] ExpectedLetterbox =
    [
        new(0, 0.9f, 24, 16, 32, 32),
        new(1, 0.7f, 26, 18, 32, 32),
        new(1, 0.6f, 104, 0, 24, 8),
        new(0, 0.3f, 80, 8, 16, 16),
    ];

    public static TheoryData<DetectionLayout, ImageResize> LayoutsAndResizes => new()
    {
        { DetectionLayout.YoloV8, ImageResize.Stretch },
        { DetectionLayout.YoloV8, ImageResize.Letterbox },
        { DetectionLayout.YoloV5, ImageResize.Stretch },
        { DetectionLayout.YoloV5, ImageResize.Letterbox },
        { DetectionLayout.SeparateOutputs, ImageResize.Stretch },
        { DetectionLayout.SeparateOutputs, ImageResize.Letterbox },
    };

    [Theory]
    [MemberData(nameof(LayoutsAndResizes))]
    public void Decode_SceneFromOnnxRuntime_KeepsStrongestMappedBoxesInOriginalPixels(DetectionLayout layout, ImageResize resize)
    {
        var model = Model(layout) with { Resize = resize };
        var outputs = Infer(model, SceneModel(layout, model.InputName), batch: 1);
        var geometry = resize == ImageResize.Stretch ? ImageGeometry.For(model, 128, 32) : ImageGeometry.For(model, 128, 64);

        var detections = DetectionDecoder.Decode(model, outputs, 0, geometry);

        Assert.Equal(resize == ImageResize.Stretch ? ExpectedStretch : ExpectedLetterbox, detections);
    }

    [Fact]
    public void Decode_SecondImageOfBatch_ReadsThatImagesRows()
    {
        var model = Model(DetectionLayout.YoloV8);
        float[][] secondImage = [.. Enumerable.Range(0, SceneV8.Length).Select(i => i == 3
            ? new[] { 32f, 32f, 8f, 8f, 0f, 0.5f, 0f }
            : new[] { 0f, 0f, 0f, 0f, 0f, 0f, 0f })];
        var onnx = TestModels.ConstantOutputs("images", [2, 3, 64, 64], DetectionTensors.YoloV8("output0", SceneV8, secondImage));
        var outputs = Infer(model, onnx, batch: 2);
        var geometry = ImageGeometry.For(model, 64, 64);

        var first = DetectionDecoder.Decode(model, outputs, 0, geometry);
        var second = DetectionDecoder.Decode(model, outputs, 1, geometry);

        Assert.Equal(5, first.Count);
        Assert.Equal([new Detection(1, 0.5f, 28, 28, 8, 8)], second);
    }

    [Fact]
    public void Decode_ScoreEqualToThreshold_IsKept()
    {
        var model = Model(DetectionLayout.YoloV8) with { ScoreThreshold = 0.5f };
        var outputs = Outputs("output0", [1, 6, 2], [10, 30, 10, 30, 4, 4, 4, 4, 0.5f, 0.49f, 0, 0]);

        var detections = DetectionDecoder.Decode(model, outputs, 0, ImageGeometry.For(model, 64, 64));

        Assert.Equal([new Detection(0, 0.5f, 8, 8, 4, 4)], detections);
    }

    [Fact]
    public void Decode_OutputNotFittingLayout_ThrowsWithTheCheckMessage()
    {
        var model = Model(DetectionLayout.YoloV8);
        var outputs = Outputs("output0", [1, 7], new float[7]);

        var error = Assert.Throws<ArgumentException>(() => DetectionDecoder.Decode(model, outputs, 0, ImageGeometry.For(model, 64, 64)));

        Assert.StartsWith("Output \"output0\" has shape [1, 7] but a YOLO v8 model's output", error.Message);
    }

    [Fact]
    public void Decode_DataShorterThanShape_Throws()
    {
        var model = Model(DetectionLayout.YoloV5);

        Assert.Throws<ArgumentException>(() =>
            DetectionDecoder.Decode(model, Outputs("output0", [1, 2, 8], new float[8]), 0, ImageGeometry.For(model, 64, 64)));
    }

    [Fact]
    public void Decode_BatchIndexPastBatch_Throws()
    {
        var model = Model(DetectionLayout.YoloV5);

        Assert.Throws<ArgumentOutOfRangeException>(() =>
            DetectionDecoder.Decode(model, Outputs("output0", [1, 2, 8], new float[16]), 1, ImageGeometry.For(model, 64, 64)));
    }

    [Fact]
    public void Decode_ClassificationModel_Throws()
    {
        var model = Model(DetectionLayout.YoloV8) with { Kind = ModelKind.Classification };

        Assert.Throws<ArgumentException>(() =>
            DetectionDecoder.Decode(model, Outputs("output0", [1, 6, 1], new float[6]), 0, ImageGeometry.For(model, 64, 64)));
    }

    private static ModelDescriptor Model(DetectionLayout layout) => new()
    {
        Kind = ModelKind.Detection,
        InputName = layout == DetectionLayout.SeparateOutputs ? "input" : "images",
        Width = 64,
        Height = 64,
        DetectionLayout = layout,
        BoxesOutput = layout == DetectionLayout.SeparateOutputs ? "boxes" : "output0",
        ScoresOutput = layout == DetectionLayout.SeparateOutputs ? "scores" : null,
        LabelsOutput = layout == DetectionLayout.SeparateOutputs ? "labels" : null,
        ScoreThreshold = 0.25f,
        NmsIou = 0.45f,
        LabelMap = new() { [0] = "cat", [1] = "dog" },
    };

    private static byte[] SceneModel(DetectionLayout layout, string inputName) => layout switch
    {
        DetectionLayout.YoloV8 => TestModels.ConstantOutputs(inputName, [1, 3, 64, 64], DetectionTensors.YoloV8("output0", SceneV8)),
        DetectionLayout.YoloV5 => TestModels.ConstantOutputs(inputName, [1, 3, 64, 64], DetectionTensors.YoloV5("output0", SceneV5)),
        // A symbolic batch, as exports with dynamic axes have.
        _ => TestModels.ConstantOutputs(inputName, ["N", 3, 64, 64], DetectionTensors.Separate("boxes", "scores", "labels", SceneSeparate)),
    };

    private static IReadOnlyDictionary<string, (float[] Data, long[] Shape)> Infer(ModelDescriptor model, byte[] onnx, int batch)
    {
        var outputs = OnnxRunner.Run(onnx, model.InputName, new float[batch * 3 * 64 * 64], [batch, 3, 64, 64]);
        return OnnxRunner.ForDecoder(outputs);
    }

    private static Dictionary<string, (float[] Data, long[] Shape)> Outputs(string name, long[] shape, float[] data) =>
        new() { [name] = (data, shape) };
}
