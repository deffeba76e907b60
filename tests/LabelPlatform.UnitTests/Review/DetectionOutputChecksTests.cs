using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing.Onnx;
using Microsoft.ML.OnnxRuntime;

namespace LabelPlatform.UnitTests.Review;

public class DetectionOutputChecksTests
{
    private static readonly ModelDescriptor YoloV8 = new()
    {
        Kind = ModelKind.Detection,
        DetectionLayout = DetectionLayout.YoloV8,
        BoxesOutput = "output0",
        LabelMap = new() { [0] = "person", [2] = "car" },
    };

    private static readonly ModelDescriptor YoloV5 = YoloV8 with { DetectionLayout = DetectionLayout.YoloV5 };

    private static readonly ModelDescriptor Separate = YoloV8 with
    {
        DetectionLayout = DetectionLayout.SeparateOutputs,
        BoxesOutput = "boxes",
        ScoresOutput = "scores",
        LabelsOutput = "labels",
    };

    [Fact]
    public void CheckOutputs_YoloV8Coco_Fits()
    {
        Assert.Null(DetectionDecoder.CheckOutputs(YoloV8, Shapes(("output0", [1, 84, 8400]))));
    }

    [Fact]
    public void CheckOutputs_YoloV8WithSymbolicBatchAndAnchors_Fits()
    {
        Assert.Null(DetectionDecoder.CheckOutputs(YoloV8, Shapes(("output0", [-1, 84, -1]))));
    }

    [Fact]
    public void CheckOutputs_YoloV8OfRankTwo_SaysWhatShapeIsNeeded()
    {
        var message = DetectionDecoder.CheckOutputs(YoloV8, Shapes(("output0", [1, 84])));

        Assert.Equal("Output \"output0\" has shape [1, 84] but a YOLO v8 model's output must be [N, 4 + classes, anchors].", message);
    }

    [Fact]
    public void CheckOutputs_YoloV8WithoutClassRows_SaysWhatShapeIsNeeded()
    {
        var message = DetectionDecoder.CheckOutputs(YoloV8, Shapes(("output0", [1, 4, 8400])));

        Assert.Equal("Output \"output0\" has shape [1, 4, 8400] but a YOLO v8 model's output must be [N, 4 + classes, anchors].", message);
    }

    [Fact]
    public void CheckOutputs_YoloV5Coco_Fits()
    {
        Assert.Null(DetectionDecoder.CheckOutputs(YoloV5, Shapes(("output0", [1, 25200, 85]))));
    }

    [Fact]
    public void CheckOutputs_YoloV5OfRankFour_SaysWhatShapeIsNeeded()
    {
        var message = DetectionDecoder.CheckOutputs(YoloV5, Shapes(("output0", [-1, 3, 80, 85])));

        Assert.Equal("Output \"output0\" has shape [?, 3, 80, 85] but a YOLO v5 model's output must be [N, anchors, 5 + classes].", message);
    }

    [Fact]
    public void CheckOutputs_YoloV5WithoutClassColumns_SaysWhatShapeIsNeeded()
    {
        var message = DetectionDecoder.CheckOutputs(YoloV5, Shapes(("output0", [1, 25200, 5])));

        Assert.Equal("Output \"output0\" has shape [1, 25200, 5] but a YOLO v5 model's output must be [N, anchors, 5 + classes].", message);
    }

    [Fact]
    public void CheckOutputs_NamedOutputMissing_ListsTheModelsOutputs()
    {
        var message = DetectionDecoder.CheckOutputs(YoloV8, Shapes(("output", [1, 84, 8400]), ("proto", [1, 32, 160, 160])));

        Assert.Equal("The model has no output \"output0\" (for the detections); its outputs are \"output\", \"proto\".", message);
    }

    [Fact]
    public void CheckOutputs_SettingsNameNoOutput_SaysSo()
    {
        var message = DetectionDecoder.CheckOutputs(YoloV8 with { BoxesOutput = null }, Shapes(("output0", [1, 84, 8400])));

        Assert.Equal("The model settings don't say which output holds the detections.", message);
    }

    [Fact]
    public void CheckOutputs_LabelMapBeyondClassCount_NamesTheClass()
    {
        var model = YoloV8 with { LabelMap = new() { [0] = "person", [90] = "toothbrush" } };

        var message = DetectionDecoder.CheckOutputs(model, Shapes(("output0", [1, 84, 8400])));

        Assert.Equal("The label map uses class 90 but the model has 80 classes (0 to 79).", message);
    }

    [Fact]
    public void CheckOutputs_LabelMapWithSeveralUnknownClasses_NamesThemAll()
    {
        var model = YoloV5 with { LabelMap = new() { [85] = "a", [-1] = "b", [80] = "c", [3] = "d" } };

        var message = DetectionDecoder.CheckOutputs(model, Shapes(("output0", [1, 25200, 85])));

        Assert.Equal("The label map uses classes -1, 80 and 85 but the model has 80 classes (0 to 79).", message);
    }

    [Fact]
    public void CheckOutputs_ClassCountSymbolic_LabelMapNotChecked()
    {
        var model = YoloV8 with { LabelMap = new() { [500] = "anything" } };

        Assert.Null(DetectionDecoder.CheckOutputs(model, Shapes(("output0", [1, -1, 8400]))));
    }

    [Fact]
    public void CheckOutputs_SeparateOutputs_Fit()
    {
        var shapes = Shapes(("boxes", [-1, 100, 4]), ("scores", [-1, 100]), ("labels", [-1, -1]));

        Assert.Null(DetectionDecoder.CheckOutputs(Separate, shapes));
    }

    [Fact]
    public void CheckOutputs_BoxesNotFourCoordinates_SaysWhatShapeIsNeeded()
    {
        var message = DetectionDecoder.CheckOutputs(Separate, Shapes(("boxes", [1, 100, 5]), ("scores", [1, 100]), ("labels", [1, 100])));

        Assert.Equal("Output \"boxes\" has shape [1, 100, 5] but the boxes output must be [N, K, 4] (x1, y1, x2, y2).", message);
    }

    [Fact]
    public void CheckOutputs_ScoresOfRankThree_SaysWhatShapeIsNeeded()
    {
        var message = DetectionDecoder.CheckOutputs(Separate, Shapes(("boxes", [1, 100, 4]), ("scores", [1, 100, 80]), ("labels", [1, 100])));

        Assert.Equal("Output \"scores\" has shape [1, 100, 80] but the scores output must be [N, K].", message);
    }

    [Fact]
    public void CheckOutputs_LabelsOutputMissing_ListsTheModelsOutputs()
    {
        var message = DetectionDecoder.CheckOutputs(Separate, Shapes(("boxes", [1, 100, 4]), ("scores", [1, 100])));

        Assert.Equal("The model has no output \"labels\" (for the labels); its outputs are \"boxes\", \"scores\".", message);
    }

    [Fact]
    public void CheckOutputs_SeparateOutputsDisagreeOnCount_ShowsAllThreeShapes()
    {
        var message = DetectionDecoder.CheckOutputs(Separate, Shapes(("boxes", [1, 100, 4]), ("scores", [1, 50]), ("labels", [-1, 100])));

        Assert.Equal("Outputs \"boxes\" [1, 100, 4], \"scores\" [1, 50] and \"labels\" [?, 100] must agree on N and K.", message);
    }

    [Fact]
    public void CheckOutputs_ShapesOrtDeclaresForSymbolicBatch_Fit()
    {
        var onnx = TestModels.ConstantOutputs("images", ["N", 3, 64, 64], OnnxTensor.Float("output0", [1, 7, 2], new float[14]));
        using var session = new InferenceSession(onnx);

        var shapes = OnnxRunner.DeclaredOutputShapes(session);

        Assert.Equal([-1L, 7, 2], shapes["output0"]);
        Assert.Null(DetectionDecoder.CheckOutputs(YoloV8, shapes));
    }

    [Fact]
    public void CheckOutputs_ShapesOrtDeclaresForClassificationModel_SayWhatShapeIsNeeded()
    {
        using var session = new InferenceSession(TestModels.Classifier("input", "output0", new float[64 * 10], 10));

        var message = DetectionDecoder.CheckOutputs(YoloV8, OnnxRunner.DeclaredOutputShapes(session));

        Assert.Equal("Output \"output0\" has shape [?, 10] but a YOLO v8 model's output must be [N, 4 + classes, anchors].", message);
    }

    private static Dictionary<string, long[]> Shapes(params (string Name, long[] Shape)[] outputs) =>
        outputs.ToDictionary(o => o.Name, o => o.Shape);
}
