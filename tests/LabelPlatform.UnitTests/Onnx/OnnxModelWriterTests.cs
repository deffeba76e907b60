using LabelPlatform.Testing.Onnx;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LabelPlatform.UnitTests.Onnx;

/// <summary>The models the test helpers write load in ONNX Runtime and compute exactly what they should.</summary>
public class OnnxModelWriterTests
{
    private static readonly float[] OneImage = new float[3 * 4 * 4];

    [Fact]
    public void ConstantOutputs_FloatAndInt64Tensors_ComeBackExactly()
    {
        var onnx = TestModels.ConstantOutputs(
            "images",
            [1, 3, 4, 4],
            OnnxTensor.Float("boxes", [1, 2, 3], 0.1f, -2.5f, 3e7f, float.Epsilon, 1f / 3f, 65504f),
            OnnxTensor.Int64("labels", [1, 2], -1, long.MaxValue));

        var outputs = OnnxRunner.Run(onnx, "images", OneImage, [1, 3, 4, 4]);

        Assert.Equal(TensorElementType.Float, outputs["boxes"].Type);
        Assert.Equal([1L, 2, 3], outputs["boxes"].Shape);
        Assert.Equal([0.1f, -2.5f, 3e7f, float.Epsilon, 1f / 3f, 65504f], outputs["boxes"].Floats);
        Assert.Equal(TensorElementType.Int64, outputs["labels"].Type);
        Assert.Equal([1L, 2], outputs["labels"].Shape);
        Assert.Equal([-1L, long.MaxValue], outputs["labels"].Int64s);
    }

    [Fact]
    public void ConstantOutputs_SymbolicBatch_DeclaredSymbolicAndRepeatedPerImage()
    {
        var onnx = TestModels.ConstantOutputs("images", ["N", 3, 4, 4], OnnxTensor.Float("scores", [1, 2], 0.25f, 0.75f));
        using var session = new InferenceSession(onnx);

        var outputs = OnnxRunner.Run(session, "images", new float[3 * OneImage.Length], [3, 3, 4, 4]);

        Assert.Equal([-1, 3, 4, 4], session.InputMetadata["images"].Dimensions);
        Assert.Equal([-1, 2], session.OutputMetadata["scores"].Dimensions);
        Assert.Equal("N", session.OutputMetadata["scores"].SymbolicDimensions[0]);
        Assert.Equal([3L, 2], outputs["scores"].Shape);
        Assert.Equal([0.25f, 0.75f, 0.25f, 0.75f, 0.25f, 0.75f], outputs["scores"].Floats);
    }

    [Fact]
    public void ConstantOutputs_ImageOfWrongSize_IsRejectedAsByARealModel()
    {
        var onnx = TestModels.ConstantOutputs("images", [1, 3, 4, 4], OnnxTensor.Float("out", [1, 1], 1f));

        var error = Assert.Throws<OnnxRuntimeException>(() => OnnxRunner.Run(onnx, "images", new float[3 * 2 * 2], [1, 3, 2, 2]));

        Assert.Contains("invalid dimensions for input: images", error.Message);
    }

    [Fact]
    public void ConstantOutputs_ImageNotFed_FailsBecauseTheInputIsUsed()
    {
        var onnx = TestModels.ConstantOutputs("images", [1, 3, 4, 4], OnnxTensor.Float("out", [1, 1], 1f));
        using var session = new InferenceSession(onnx);
        using var options = new RunOptions();

        var error = Assert.Throws<OnnxRuntimeException>(() => session.Run(options, [], [], session.OutputNames).Dispose());

        Assert.Contains("Missing Input: images", error.Message);
    }

    /// <summary>Why <see cref="TestModels.ConstantOutputs"/> routes the input into its outputs.</summary>
    [Fact]
    public void UnusedGraphInput_OrtLoadsItAndRunsWithoutIt()
    {
        var onnx = new OnnxGraph()
            .Input("images", OnnxType.Float, 1, 3, 4, 4)
            .Initializer(OnnxTensor.Float("value", [2], 1f, 2f))
            .Node("Identity", ["value"], ["out"])
            .Output("out", OnnxType.Float, 2)
            .ToBytes();
        using var session = new InferenceSession(onnx);
        using var options = new RunOptions();

        using var results = session.Run(options, [], [], session.OutputNames);

        Assert.Equal(["images"], session.InputNames);
        Assert.Equal([1f, 2f], results[0].GetTensorDataAsSpan<float>().ToArray());
    }

    [Fact]
    public void Classifier_TwoImages_ReturnsSoftmaxOfWeightedPixels()
    {
        // Class 0 weighs the first pixel, class 1 the last one, class 2 every pixel by 0.01.
        var weights = new float[64 * 3];
        weights[(0 * 3) + 0] = 2f;
        weights[(63 * 3) + 1] = 3f;
        for (var p = 0; p < 64; p++)
        {
            weights[(p * 3) + 2] = 0.01f;
        }

        var images = new float[2 * 64];
        images[0] = 1f; // image 0: first pixel lit
        images[64 + 63] = 1f; // image 1: last pixel lit

        var outputs = OnnxRunner.Run(TestModels.Classifier("input", "probabilities", weights, 3), "input", images, [2, 1, 8, 8]);

        Assert.Equal([2L, 3], outputs["probabilities"].Shape);
        AssertClose([.. Softmax(2f, 0f, 0.01f), .. Softmax(0f, 3f, 0.01f)], outputs["probabilities"].Floats);
    }

    [Fact]
    public void Classifier_WithoutSoftmax_ReturnsTheWeightedSums()
    {
        var weights = Enumerable.Range(0, 64 * 2).Select(i => i % 2 == 0 ? 1f : -0.5f).ToArray();
        var image = Enumerable.Range(0, 64).Select(p => (float)p).ToArray();

        var outputs = OnnxRunner.Run(TestModels.Classifier("input", "logits", weights, 2, softmax: false), "input", image, [1, 1, 8, 8]);

        Assert.Equal([2016f, -1008f], outputs["logits"].Floats);
    }

    [Fact]
    public void Write_IntsFloatAndFloatsAttributes_AreReadByOrt()
    {
        var onnx = new OnnxGraph()
            .Input("x", OnnxType.Float, 2, 3)
            .Node("Transpose", ["x"], ["transposed"], OnnxAttribute.Ints("perm", 1, 0))
            .Node("LeakyRelu", ["transposed"], ["leaky"], OnnxAttribute.Float("alpha", 0.5f))
            .Node("Constant", [], ["offsets"], OnnxAttribute.Floats("value_floats", 10f, 20f))
            .Node("Add", ["leaky", "offsets"], ["y"])
            .Output("y", OnnxType.Float, 3, 2)
            .ToBytes();

        var outputs = OnnxRunner.Run(onnx, "x", [1, -2, 3, -4, 5, -6], [2, 3]);

        // Transposed: [[1, -4], [-2, 5], [3, -6]]; negatives halved; then + [10, 20] per row.
        Assert.Equal([3L, 2], outputs["y"].Shape);
        Assert.Equal([11f, 18f, 9f, 25f, 13f, 17f], outputs["y"].Floats);
    }

    [Fact]
    public void Write_ModelHeader_NamesTheProducer()
    {
        using var session = new InferenceSession(TestModels.Classifier("input", "out", new float[64], 1));

        Assert.Equal("LabelPlatform.Testing", session.ModelMetadata.ProducerName);
        Assert.Equal("classifier", session.ModelMetadata.GraphName);
    }

    [Fact]
    public void NotAnOnnxFile_OrtRejectsItAsInvalidProtobuf()
    {
        var error = Assert.Throws<OnnxRuntimeException>(() => new InferenceSession("not a model"u8.ToArray()).Dispose());

        Assert.Contains("protobuf parsing failed", error.Message);
    }

    private static float[] Softmax(params float[] logits)
    {
        var exps = logits.Select(l => Math.Exp(l)).ToArray();
        return [.. exps.Select(e => (float)(e / exps.Sum()))];
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], 1e-6f);
        }
    }
}
