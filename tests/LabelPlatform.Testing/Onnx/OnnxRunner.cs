using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LabelPlatform.Testing.Onnx;

/// <summary>What one output of a run held, copied out of ONNX Runtime's memory.</summary>
public sealed record OnnxOutput(TensorElementType Type, long[] Shape, float[] Floats, long[] Int64s)
{
    /// <summary>The values as floats, as the decoders take them (class indexes stored as int64 included).</summary>
    public float[] AsFloats() => Type == TensorElementType.Int64 ? Int64s.Select(v => (float)v).ToArray() : Floats;
}

/// <summary>Runs a model in ONNX Runtime (CPU) on one float input, as the review worker will.</summary>
public static class OnnxRunner
{
    public static IReadOnlyDictionary<string, OnnxOutput> Run(byte[] model, string inputName, float[] input, long[] shape)
    {
        using var session = new InferenceSession(model);
        return Run(session, inputName, input, shape);
    }

    public static IReadOnlyDictionary<string, OnnxOutput> Run(InferenceSession session, string inputName, float[] input, long[] shape)
    {
        using var inputValue = OrtValue.CreateTensorValueFromMemory(input, shape);
        var outputNames = session.OutputNames;
        using var runOptions = new RunOptions();
        using var results = session.Run(runOptions, [inputName], [inputValue], outputNames);

        var outputs = new Dictionary<string, OnnxOutput>(StringComparer.Ordinal);
        for (var i = 0; i < outputNames.Count; i++)
        {
            var info = results[i].GetTensorTypeAndShape();
            outputs[outputNames[i]] = info.ElementDataType switch
            {
                TensorElementType.Float => new(info.ElementDataType, info.Shape, results[i].GetTensorDataAsSpan<float>().ToArray(), []),
                TensorElementType.Int64 => new(info.ElementDataType, info.Shape, [], results[i].GetTensorDataAsSpan<long>().ToArray()),
                var other => throw new NotSupportedException($"Output \"{outputNames[i]}\" is {other}."),
            };
        }

        return outputs;
    }

    /// <summary>Every output as (data, shape), the form <c>DetectionDecoder.Decode</c> takes.</summary>
    public static IReadOnlyDictionary<string, (float[] Data, long[] Shape)> ForDecoder(IReadOnlyDictionary<string, OnnxOutput> outputs) =>
        outputs.ToDictionary(o => o.Key, o => (o.Value.AsFloats(), o.Value.Shape), StringComparer.Ordinal);

    /// <summary>The output shapes as ORT declares them before any run: -1 for a symbolic dimension.</summary>
    public static IReadOnlyDictionary<string, long[]> DeclaredOutputShapes(InferenceSession session) =>
        session.OutputMetadata.ToDictionary(o => o.Key, o => o.Value.Dimensions.Select(d => (long)d).ToArray(), StringComparer.Ordinal);
}
