using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;
using LabelPlatform.Web.Seed;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabelPlatform.UnitTests.Review;

/// <summary>The demo's digits model through the project's own path: the worker's PNGs, preprocessing, one batched inference.</summary>
public class DigitsModelTests
{
    private static string SeedData(string name) =>
        Path.Combine(AppContext.BaseDirectory, "SeedData", name) is var copied && File.Exists(copied)
            ? copied
            : Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../src/LabelPlatform.Web/SeedData", name));

    /// <summary>Dark ink on white PNGs back to the model's values: (255 − grey) / 240 = value / 16.</summary>
    public static readonly ModelDescriptor Descriptor = new()
    {
        Kind = ModelKind.Classification,
        InputName = "image",
        Layout = TensorLayout.Nchw,
        Width = 8,
        Height = 8,
        Colour = ColourOrder.Grey,
        Scale = -1f / 240f,
        Mean = [-255f / 240f],
        Std = [1f],
        Resize = ImageResize.Stretch,
        OutputName = "probabilities",
        ClassificationOutput = ClassificationOutput.Probabilities,
        LabelMap = Enumerable.Range(0, 10).ToDictionary(d => d, d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    };

    [Fact]
    public void Classify_HeldOutDigitsAsTheWorkersSeeThem_AgreesWithTheTruthOn552Of597()
    {
        var digits = DigitImages.Read(SeedData("digits.csv.gz")).Where(d => d.Row is >= 1200 and <= 1796).ToList();
        using var sessions = new OnnxSessions(Options.Create(new ReviewOptions()), NullLogger<OnnxSessions>.Instance);
        var session = sessions.Get("digits", () => File.ReadAllBytes(SeedData("models/digits-mlp.onnx")));
        var perImage = ImagePreprocessor.ValuesPerImage(Descriptor);
        var inputs = new float[digits.Count * perImage];
        for (var i = 0; i < digits.Count; i++)
        {
            Assert.NotNull(ImagePreprocessor.Fill(DigitImages.ToPng(digits[i].Pixels), Descriptor, inputs.AsSpan(i * perImage, perImage)));
        }

        var predictions = Classifier.Run(session, Descriptor, inputs, digits.Count);

        Assert.Equal(597, predictions.Count);
        Assert.Equal(552, predictions.Zip(digits).Count(p => p.First.Label == p.Second.Label.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.All(predictions, p => Assert.InRange(p.Probabilities.Sum(), 0.999f, 1.001f));
    }
}
