namespace LabelPlatform.Testing.Onnx;

/// <summary>Small ONNX models whose outputs a test knows in advance.</summary>
public static class TestModels
{
    /// <summary>
    /// A model that returns the given tensors whatever images it is fed. The first dimension of each
    /// tensor is the batch: the input flows into every output as zeros of shape [N, 1, …, 1] (ReduceSum
    /// × 0) added to the tensor, so ORT checks the input's name, type and shape on each run as a real
    /// model's, infers the outputs' batch dimension from the input's (symbolic stays symbolic), and a
    /// tensor of batch 1 comes back once per image fed.
    /// </summary>
    public static byte[] ConstantOutputs(string inputName, Dim[] inputShape, params OnnxTensor[] outputs)
    {
        var graph = new OnnxGraph("constant_outputs")
            .Input(inputName, OnnxType.Float, inputShape)
            .Initializer(OnnxTensor.Float("zero", [], 0f))
            .Initializer(Axes("image_axes", 1, inputShape.Length))
            .Node("ReduceSum", [inputName, "image_axes"], ["image_sums"], OnnxAttribute.Int("keepdims", 0))
            .Node("Mul", ["image_sums", "zero"], ["image_zeros"]);

        foreach (var output in outputs)
        {
            if (output.Dims.Length == 0)
            {
                throw new ArgumentException($"Output \"{output.Name}\" needs a batch dimension.", nameof(outputs));
            }

            var zeros = "image_zeros";
            if (output.Dims.Length > 1)
            {
                zeros = $"{output.Name}_zeros";
                graph.Initializer(Axes($"{output.Name}_axes", 1, output.Dims.Length))
                    .Node("Unsqueeze", ["image_zeros", $"{output.Name}_axes"], [zeros]);
            }

            if (output.Type == OnnxType.Int64)
            {
                graph.Node("Cast", [zeros], [$"{output.Name}_zeros_int64"], OnnxAttribute.Int("to", (long)OnnxType.Int64));
                zeros = $"{output.Name}_zeros_int64";
            }

            var value = output with { Name = $"{output.Name}_value" };
            var batch = inputShape[0].Param is { } name ? name : (Dim)Math.Max(inputShape[0].Value!.Value, output.Dims[0]);
            Dim[] declared = [batch, .. output.Dims.Skip(1).Select(d => (Dim)d)];
            graph.Initializer(value)
                .Node("Add", [value.Name, zeros], [output.Name])
                .Output(output.Name, output.Type, declared);
        }

        return graph.ToBytes();
    }

    private static OnnxTensor Axes(string name, int from, int to) =>
        OnnxTensor.Int64(name, [to - from], [.. Enumerable.Range(from, to - from).Select(a => (long)a)]);

    /// <summary>
    /// A linear classifier of 8 × 8 grey images: input [N, 1, 8, 8] → Flatten → MatMul by
    /// <paramref name="weights"/> (64 × classes, row-major) → Softmax (or the raw scores when
    /// <paramref name="softmax"/> is false) as output [N, classes].
    /// </summary>
    public static byte[] Classifier(string inputName, string outputName, float[] weights, int classes, bool softmax = true)
    {
        var graph = new OnnxGraph("classifier")
            .Input(inputName, OnnxType.Float, "N", 1, 8, 8)
            .Initializer(OnnxTensor.Float("weights", [64, classes], weights))
            .Node("Flatten", [inputName], ["pixels"], OnnxAttribute.Int("axis", 1))
            .Node("MatMul", ["pixels", "weights"], [softmax ? "logits" : outputName]);
        if (softmax)
        {
            graph.Node("Softmax", ["logits"], [outputName], OnnxAttribute.Int("axis", 1));
        }

        return graph.Output(outputName, OnnxType.Float, "N", classes).ToBytes();
    }
}
