using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Inference;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LabelPlatform.Review.Models;

/// <summary>
/// Checks an uploaded model against its descriptor and the job before it is kept: the file loads,
/// the input and outputs are what the descriptor says, the label map only names the job's labels,
/// and a test batch of two images runs. Each kind of mistake gets a message that names it.
/// </summary>
public sealed class ModelValidator(OnnxSessions sessions)
{
    /// <summary>The checks that need no model loaded: the descriptor against the job. The web process runs these itself.</summary>
    public static Error? DescriptorProblem(ModelDescriptor model, TaskKind jobKind, IReadOnlyList<string> jobLabels) =>
        (KindProblem(model.Kind, jobKind) ?? DescriptorProblem(model, jobLabels)) is { } problem ? Invalid(problem) : null;

    /// <summary>
    /// Every check, the model loaded from its file (already passed by <see cref="OnnxFileCheck"/>).
    /// Runs in the model check process (<see cref="ModelSandbox"/>), never in the web process.
    /// </summary>
    public Error? ValidateFile(string path, ModelDescriptor model, TaskKind jobKind, IReadOnlyList<string> jobLabels)
    {
        if (DescriptorProblem(model, jobKind, jobLabels) is { } invalid)
        {
            return invalid;
        }

        InferenceSession session;
        try
        {
            session = sessions.CreateFromCheckedFile(path);
        }
        catch (OnnxRuntimeException e)
        {
            return Invalid($"The file is not an ONNX model ONNX Runtime can load ({FirstLine(e.Message)}).");
        }

        using (session)
        {
            var wrong = InputProblem(session, model) ?? OutputProblem(session, model) ?? TestBatchProblem(session, model);
            return wrong is null ? null : Invalid(wrong);
        }
    }

    private static string? KindProblem(ModelKind kind, TaskKind jobKind) => ReviewModel.CanJudge(kind, jobKind) ? null : jobKind switch
    {
        TaskKind.ImageClassification => $"This job asks for one label per image: its model must be a classification model, not a {kind.ToString().ToLowerInvariant()} model.",
        TaskKind.BoundingBoxes => $"This job asks for boxes: its model must be a detection model, not a {kind.ToString().ToLowerInvariant()} model.",
        _ => $"A review model can't judge answers of a {jobKind} job yet; classification models review image classification jobs, detection models bounding-box jobs.",
    };

    private static string? DescriptorProblem(ModelDescriptor model, IReadOnlyList<string> jobLabels)
    {
        if (string.IsNullOrWhiteSpace(model.InputName))
        {
            return "Name the model's input.";
        }

        if (model.Width is < 1 or > 8192 || model.Height is < 1 or > 8192)
        {
            return $"The input size {model.Width}×{model.Height} is not a usable image size.";
        }

        if (model.Std.Take(model.Channels).Any(s => s == 0))
        {
            return "A standard deviation of 0 would divide by zero.";
        }

        if (model.Kind == ModelKind.Detection && (model.ScoreThreshold is < 0 or > 1 || model.NmsIou is <= 0 or > 1))
        {
            return "The score threshold must be between 0 and 1, and the NMS IoU above 0 and at most 1.";
        }

        if (model.LabelMap.Count == 0)
        {
            return "Map at least one of the model's classes to one of the job's labels.";
        }

        foreach (var (index, label) in model.LabelMap.OrderBy(m => m.Key))
        {
            if (index < 0)
            {
                return $"Class {index} in the label map is not a class index.";
            }

            if (!jobLabels.Contains(label, StringComparer.Ordinal))
            {
                return $"The label map sends class {index} to \"{label}\", which is not one of this job's labels ({string.Join(", ", jobLabels)}).";
            }
        }

        return null;
    }

    private static string? InputProblem(InferenceSession session, ModelDescriptor model)
    {
        if (!session.InputMetadata.TryGetValue(model.InputName, out var input))
        {
            return $"The model has no input \"{model.InputName}\"; its inputs: {Describe(session.InputMetadata)}.";
        }

        if (input.ElementDataType != TensorElementType.Float)
        {
            return $"Input \"{model.InputName}\" takes {input.ElementDataType} values; image models here take float32.";
        }

        var dims = input.Dimensions;
        var layout = model.Layout == TensorLayout.Nchw ? "[N, C, H, W]" : "[N, H, W, C]";
        if (dims.Length != 4)
        {
            return $"Input \"{model.InputName}\" has rank {dims.Length} ({Shape(dims)}); an image input has rank 4, {layout} for {model.Layout.ToString().ToUpperInvariant()}.";
        }

        var (c, h, w) = model.Layout == TensorLayout.Nchw ? (dims[1], dims[2], dims[3]) : (dims[3], dims[1], dims[2]);
        if (Fixed(c) && c != model.Channels || Fixed(h) && h != model.Height || Fixed(w) && w != model.Width)
        {
            return $"Input \"{model.InputName}\" is {Shape(dims)}, but the descriptor says {model.Layout.ToString().ToUpperInvariant()} with {model.Channels} channel(s) of {model.Height}×{model.Width}.";
        }

        return null;
    }

    private static string? OutputProblem(InferenceSession session, ModelDescriptor model)
    {
        var outputs = session.OutputMetadata;
        if (model.Kind == ModelKind.Classification)
        {
            if (model.OutputName is null || !outputs.TryGetValue(model.OutputName, out var output))
            {
                return $"The model has no output \"{model.OutputName}\"; its outputs: {Describe(outputs)}.";
            }

            var dims = output.Dimensions;
            if (dims.Length != 2)
            {
                return $"Output \"{model.OutputName}\" has shape {Shape(dims)}; a classification output must be [N, classes].";
            }

            if (Fixed(dims[1]) && model.LabelMap.Keys.Max() >= dims[1])
            {
                return $"The label map uses class {model.LabelMap.Keys.Max()} but the model has {dims[1]} classes.";
            }

            return null;
        }

        var shapes = outputs.ToDictionary(o => o.Key, o => o.Value.Dimensions.Select(d => (long)d).ToArray());
        return DetectionDecoder.CheckOutputs(model, shapes);
    }

    private static string? TestBatchProblem(InferenceSession session, ModelDescriptor model)
    {
        var dims = session.InputMetadata[model.InputName].Dimensions;
        var batch = Fixed(dims[0]) ? dims[0] : 2;
        var values = new float[batch * ImagePreprocessor.ValuesPerImage(model)];
        var shape = model.Layout == TensorLayout.Nchw
            ? new long[] { batch, model.Channels, model.Height, model.Width }
            : [batch, model.Height, model.Width, model.Channels];
        try
        {
            using var input = OrtValue.CreateTensorValueFromMemory(values, shape);
            using var runOptions = new RunOptions();
            using var results = session.Run(runOptions, [model.InputName], [input], session.OutputNames);
            return null;
        }
        catch (OnnxRuntimeException e)
        {
            return $"The model failed on a test batch of {batch} blank images ({FirstLine(e.Message)}).";
        }
    }

    private static bool Fixed(int dimension) => dimension > 0;

    private static string Shape(int[] dims) => "[" + string.Join(", ", dims.Select(d => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "N")) + "]";

    private static string Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        string.Join(", ", nodes.Select(n => $"\"{n.Key}\" {Shape(n.Value.Dimensions)}"));

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();

    internal static Error Invalid(string message) => new("invalid_model", message);
}
