namespace LabelPlatform.Testing.Onnx;

/// <summary>
/// Review models a hostile researcher would upload, built here byte by byte. Each is a working
/// 8 × 8 digits classifier (input "image" [N, 1, 8, 8], output "probabilities" [N, 10], as the demo
/// descriptor says) with something added that must never run in the web process or at all.
/// </summary>
public static class HostileModels
{
    public const string Input = "image", Output = "probabilities";

    /// <summary>Its weights "live in" another file: a loader following the path would read the server's own files.</summary>
    public static byte[] ExternalData(string location) =>
        Digits(graph => graph
            .Initializer(OnnxTensor.Float("stolen", [4], 0, 0, 0, 0) with { ExternalLocation = location })
            .Node("ReduceSum", ["stolen"], ["stolen_sum"], OnnxAttribute.Int("keepdims", 0)), "stolen_sum");

    /// <summary>An operator of a domain nobody here implements: a custom operator library it would want loaded.</summary>
    public static byte[] CustomOperator(string domain) =>
        Digits(graph => graph.NodeIn(domain, "Exfiltrate", ["image"], ["exfiltrated"])
            .Node("ReduceSum", ["exfiltrated"], ["exfiltrated_sum"], OnnxAttribute.Int("keepdims", 0)), "exfiltrated_sum");

    /// <summary>A constant of <paramref name="side"/> × <paramref name="side"/> floats summed into the output: 4·side² bytes that must be filled.</summary>
    public static byte[] HugeTensor(long side) =>
        Digits(graph => graph
            .Initializer(OnnxTensor.Int64("huge_shape", [2], side, side))
            .Node("ConstantOfShape", ["huge_shape"], ["huge"], OnnxAttribute.Tensor("value", OnnxTensor.Float("one", [1], 1f)))
            .Node("ReduceSum", ["huge"], ["huge_sum"], OnnxAttribute.Int("keepdims", 0)), "huge_sum");

    /// <summary>A Loop of <paramref name="iterations"/> additions before the output: CPU for as long as it is let run.</summary>
    public static byte[] LongLoop(long iterations)
    {
        var body = new OnnxGraph("count")
            .Input("i", OnnxType.Int64)
            .Input("go_in", OnnxType.Bool)
            .Input("total_in", OnnxType.Float)
            .Initializer(OnnxTensor.Float("step", [], 1f))
            .Node("Identity", ["go_in"], ["go_out"])
            .Node("Add", ["total_in", "step"], ["total_out"])
            .Output("go_out", OnnxType.Bool)
            .Output("total_out", OnnxType.Float);
        return Digits(graph => graph
            .Initializer(OnnxTensor.Int64("trips", [], iterations))
            .Initializer(OnnxTensor.Int64("yes", [], 1))
            .Initializer(OnnxTensor.Float("start", [], 0f))
            .Node("Cast", ["yes"], ["go"], OnnxAttribute.Int("to", (long)OnnxType.Bool))
            .Node("Loop", ["trips", "go", "start"], ["total"], OnnxAttribute.Graph("body", body)), "total");
    }

    // The classifier, plus the hostile part's scalar (times zero) added to its scores.
    private static byte[] Digits(Func<OnnxGraph, OnnxGraph> hostile, string scalar)
    {
        var graph = new OnnxGraph("digits")
            .Input(Input, OnnxType.Float, "N", 1, 8, 8)
            .Initializer(OnnxTensor.Float("weights", [64, 10], [.. Enumerable.Range(0, 640).Select(i => (i % 11) / 100f)]))
            .Initializer(OnnxTensor.Float("nothing", [], 0f))
            .Node("Flatten", [Input], ["pixels"], OnnxAttribute.Int("axis", 1))
            .Node("MatMul", ["pixels", "weights"], ["scores"]);
        return hostile(graph)
            .Node("Mul", [scalar, "nothing"], ["hostile_zero"])
            .Node("Add", ["scores", "hostile_zero"], ["shifted"])
            .Node("Softmax", ["shifted"], [Output], OnnxAttribute.Int("axis", 1))
            .Output(Output, OnnxType.Float, "N", 10)
            .ToBytes();
    }
}
