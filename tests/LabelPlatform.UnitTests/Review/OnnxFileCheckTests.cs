using LabelPlatform.Review.Models;
using LabelPlatform.Testing.Onnx;

namespace LabelPlatform.UnitTests.Review;

/// <summary>The file check that runs before any loader sees an uploaded model.</summary>
public sealed class OnnxFileCheckTests
{
    private static string? Check(byte[] model)
    {
        using var stream = new MemoryStream(model, writable: false);
        return OnnxFileCheck.Problem(stream);
    }

    [Fact]
    public void RealModels_Pass()
    {
        var digits = File.ReadAllBytes(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/LabelPlatform.Web/SeedData/models/digits-mlp.onnx")));

        Assert.Null(Check(digits));
        Assert.Null(Check(HostileModels.LongLoop(3))); // a Loop is standard ONNX; its body is walked too
        Assert.Null(Check(HostileModels.HugeTensor(4)));
    }

    [Theory]
    [InlineData("../../appsettings.json")]
    [InlineData("/etc/passwd")]
    [InlineData("weights.bin")]
    public void ExternalData_AnyPath_RefusedNamingIt(string location)
    {
        var problem = Check(HostileModels.ExternalData(location));

        Assert.Equal($"Tensor \"stolen\" keeps its data in another file (\"{location}\"): upload a model with its weights inside the .onnx file (save it without external data).", problem);
    }

    [Theory]
    [InlineData("com.example.evil")]
    [InlineData("com.microsoft")]
    public void CustomOperatorDomain_Refused(string domain) =>
        Assert.Equal(
            $"An operator uses the custom operator domain \"{domain}\"; only standard ONNX operators (ai.onnx, ai.onnx.ml) are accepted.",
            Check(HostileModels.CustomOperator(domain)));

    [Fact]
    public void ExternalDataInsideALoopBody_Found()
    {
        var body = new OnnxGraph("body")
            .Input("i", OnnxType.Int64).Input("go_in", OnnxType.Bool)
            .Initializer(OnnxTensor.Float("hidden", [1], 0f) with { ExternalLocation = "../secrets" })
            .Node("Identity", ["go_in"], ["go_out"])
            .Output("go_out", OnnxType.Bool);
        var model = new OnnxGraph("outer")
            .Input("image", OnnxType.Float, "N", 1, 8, 8)
            .Initializer(OnnxTensor.Int64("trips", [], 1))
            .Node("Loop", ["trips", ""], [], OnnxAttribute.Graph("body", body))
            .Node("Identity", ["image"], ["out"])
            .Output("out", OnnxType.Float, "N", 1, 8, 8)
            .ToBytes();

        Assert.StartsWith("Tensor \"hidden\" keeps its data in another file (\"../secrets\")", Check(model));
    }

    [Fact]
    public void NotProtobuf_Truncated_OrNestedWithoutEnd_SaysItIsNotAModel()
    {
        var digits = HostileModels.HugeTensor(4);

        Assert.StartsWith("The file is not an ONNX model (", Check("this is a text file, not a model"u8.ToArray()));
        Assert.StartsWith("The file is not an ONNX model (", Check(digits[..(digits.Length / 2)]));

        // Graphs inside graphs inside graphs: the walk's depth is bounded.
        var inner = new OnnxGraph("0").Node("Identity", ["x"], ["y"]);
        for (var depth = 1; depth < 40; depth++)
        {
            inner = new OnnxGraph(depth.ToString(System.Globalization.CultureInfo.InvariantCulture)).Node("Loop", ["", ""], [], OnnxAttribute.Graph("body", inner));
        }

        Assert.Equal("The file is not an ONNX model (graphs nest too deep).", Check(inner.ToBytes()));
    }
}
