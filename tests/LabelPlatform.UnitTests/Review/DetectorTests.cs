using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LabelPlatform.UnitTests.Review;

/// <summary>A batch through ONNX Runtime, each image's boxes decoded in its own original pixels.</summary>
public class DetectorTests
{
    private static readonly ModelDescriptor Yolo = new()
    {
        Kind = ModelKind.Detection,
        InputName = "images",
        Width = 64,
        Height = 64,
        DetectionLayout = DetectionLayout.YoloV8,
        BoxesOutput = "output0",
        LabelMap = new() { [0] = "cat", [1] = "dog" },
    };

    [Fact]
    public void Run_BatchOfImagesOfDifferentSizes_EachImagesBoxesInItsPixelsAndNoneForAnUnreadableOne()
    {
        // One cat at input pixels (8, 8)–(24, 24), one dog below the threshold.
        float[][] rows = [[16, 16, 16, 16, 0.9f, 0.1f], [48, 48, 8, 8, 0.1f, 0.2f]];
        using var session = new InferenceSession(TestModels.ConstantOutputs("images", ["N", 3, 64, 64], DetectionTensors.YoloV8("output0", rows)));

        var detections = Detector.Run(session, Yolo, new float[3 * 3 * 64 * 64], [ImageGeometry.For(Yolo, 64, 64), ImageGeometry.For(Yolo, 128, 32), null]);

        Assert.Equal(3, detections.Count);
        Assert.Equal([new Detection(0, 0.9f, 8, 8, 16, 16)], detections[0]);
        Assert.Equal([new Detection(0, 0.9f, 16, 4, 32, 8)], detections[1]);
        Assert.Empty(detections[2]);
    }

    [Fact]
    public void Run_SeparateOutputsWithInt64Labels_ClassIndexesRead()
    {
        var model = Yolo with
        {
            DetectionLayout = DetectionLayout.SeparateOutputs,
            BoxesOutput = "boxes",
            ScoresOutput = "scores",
            LabelsOutput = "labels",
        };
        float[][] rows = [[8, 8, 24, 24, 0.8f, 1], [0, 0, 0, 0, 0, -1]];
        using var session = new InferenceSession(TestModels.ConstantOutputs("images", ["N", 3, 64, 64], DetectionTensors.Separate("boxes", "scores", "labels", rows)));

        var detections = Detector.Run(session, model, new float[3 * 64 * 64], [ImageGeometry.For(model, 64, 64)]);

        Assert.Equal([new Detection(1, 0.8f, 8, 8, 16, 16)], Assert.Single(detections));
    }
}
