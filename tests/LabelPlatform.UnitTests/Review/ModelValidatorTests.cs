using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabelPlatform.UnitTests.Review;

/// <summary>Each kind of wrong model, checked against the real digits model, gets its own message.</summary>
public sealed class ModelValidatorTests : IDisposable
{
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private readonly OnnxSessions _sessions = new(Options.Create(new ReviewOptions()), NullLogger<OnnxSessions>.Instance);

    private readonly byte[] _digitsModel = File.ReadAllBytes(
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/LabelPlatform.Web/SeedData/models/digits-mlp.onnx")));

    private ModelValidator Validator => new(_sessions);

    // As the check process does: the file check, then every check with the model loaded from its file.
    private LabelPlatform.Common.Error? Validate(byte[] model, ModelDescriptor descriptor, TaskKind kind, IReadOnlyList<string> labels)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lp-validator-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model);
        try
        {
            using (var file = File.OpenRead(path))
            {
                if (OnnxFileCheck.Problem(file) is { } problem)
                {
                    return new LabelPlatform.Common.Error("invalid_model", problem);
                }
            }

            return Validator.ValidateFile(path, descriptor, kind, labels);
        }
        finally
        {
            File.Delete(path);
        }
    }

    public void Dispose() => _sessions.Dispose();

    [Fact]
    public void Validate_DigitsModelAsDescribed_Accepted() =>
        Assert.Null(Validate(_digitsModel, DigitsModelTests.Descriptor, TaskKind.ImageClassification, Digits));

    [Fact]
    public void Validate_NotAnOnnxFile_SaysSo()
    {
        var error = Validate("this is a text file, not a model"u8.ToArray(), DigitsModelTests.Descriptor, TaskKind.ImageClassification, Digits);

        Assert.Equal("invalid_model", error?.Code);
        Assert.StartsWith("The file is not an ONNX model (", error!.Message);
    }

    [Fact]
    public void Validate_WrongInputName_NamesTheModelsInputs() =>
        Assert.Equal(
            "The model has no input \"input\"; its inputs: \"image\" [N, 1, 8, 8].",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { InputName = "input" }, TaskKind.ImageClassification, Digits)?.Message);

    [Fact]
    public void Validate_WrongSizeOrChannels_SaysWhatTheInputIs()
    {
        Assert.Equal(
            "Input \"image\" is [N, 1, 8, 8], but the descriptor says NCHW with 3 channel(s) of 8×8.",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { Colour = ColourOrder.Rgb }, TaskKind.ImageClassification, Digits)?.Message);
        Assert.Equal(
            "Input \"image\" is [N, 1, 8, 8], but the descriptor says NCHW with 1 channel(s) of 28×28.",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { Width = 28, Height = 28 }, TaskKind.ImageClassification, Digits)?.Message);
        Assert.Equal(
            "Input \"image\" is [N, 1, 8, 8], but the descriptor says NHWC with 1 channel(s) of 8×8.",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { Layout = TensorLayout.Nhwc }, TaskKind.ImageClassification, Digits)?.Message);
    }

    [Fact]
    public void Validate_WrongOutputName_NamesTheModelsOutputs() =>
        Assert.Equal(
            "The model has no output \"scores\"; its outputs: \"probabilities\" [N, 10].",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { OutputName = "scores" }, TaskKind.ImageClassification, Digits)?.Message);

    [Fact]
    public void Validate_LabelMapBeyondTheModelsClasses_SaysHowManyItHas()
    {
        var map = new Dictionary<int, string>(DigitsModelTests.Descriptor.LabelMap) { [10] = "9" };

        Assert.Equal(
            "The label map uses class 10 but the model has 10 classes.",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { LabelMap = map }, TaskKind.ImageClassification, Digits)?.Message);
    }

    [Fact]
    public void Validate_LabelMapToAnUnknownLabel_NamesItAndTheJobsLabels() =>
        Assert.Equal(
            "The label map sends class 3 to \"three\", which is not one of this job's labels (zero, one).",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { LabelMap = new() { [0] = "zero", [3] = "three" } }, TaskKind.ImageClassification, ["zero", "one"])?.Message);

    [Fact]
    public void Validate_EmptyLabelMapOrZeroStd_RefusedBeforeLoading()
    {
        Assert.Equal(
            "Map at least one of the model's classes to one of the job's labels.",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { LabelMap = [] }, TaskKind.ImageClassification, Digits)?.Message);
        Assert.Equal(
            "A standard deviation of 0 would divide by zero.",
            Validate(_digitsModel, DigitsModelTests.Descriptor with { Std = [0f] }, TaskKind.ImageClassification, Digits)?.Message);
    }

    private static readonly ModelDescriptor Yolo = new()
    {
        Kind = ModelKind.Detection,
        InputName = "images",
        Width = 64,
        Height = 64,
        Resize = ImageResize.Letterbox,
        DetectionLayout = DetectionLayout.YoloV8,
        BoxesOutput = "output0",
        LabelMap = new() { [0] = "cat", [1] = "dog" },
    };

    [Fact]
    public void Validate_YoloV8ModelAsDescribed_Accepted()
    {
        var model = TestModels.ConstantOutputs("images", ["N", 3, 64, 64], DetectionTensors.YoloV8("output0", [[32, 32, 10, 10, 0.9f, 0.1f]]));

        Assert.Null(Validate(model, Yolo, TaskKind.BoundingBoxes, ["cat", "dog"]));
    }

    [Fact]
    public void Validate_DetectionOutputThatDoesNotFitTheLayout_SaysWhatWasExpected()
    {
        var model = TestModels.ConstantOutputs("images", ["N", 3, 64, 64], OnnxTensor.Float("output0", [1, 6], 1, 2, 3, 4, 5, 6));

        var error = Validate(model, Yolo, TaskKind.BoundingBoxes, ["cat", "dog"]);

        Assert.Equal("invalid_model", error?.Code);
        Assert.Contains("output0", error!.Message);
        Assert.Contains("YOLO v8", error.Message);
    }

    [Fact]
    public void Validate_ModelKindThatDoesNotFitTheJob_SaysWhichKindTheJobNeeds()
    {
        var model = TestModels.ConstantOutputs("images", ["N", 3, 64, 64], DetectionTensors.YoloV8("output0", [[32, 32, 10, 10, 0.9f, 0.1f]]));

        Assert.Equal(
            "This job asks for one label per image: its model must be a classification model, not a detection model.",
            Validate(model, Yolo, TaskKind.ImageClassification, ["cat", "dog"])?.Message);
        Assert.Equal(
            "This job asks for boxes: its model must be a detection model, not a classification model.",
            Validate(_digitsModel, DigitsModelTests.Descriptor, TaskKind.BoundingBoxes, Digits)?.Message);
        Assert.StartsWith(
            "A review model can't judge answers of a TextClassification job",
            Validate(_digitsModel, DigitsModelTests.Descriptor, TaskKind.TextClassification, Digits)?.Message);
    }
}
