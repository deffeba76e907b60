using LabelPlatform.Demo;
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

    public static readonly ModelDescriptor Descriptor = DemoSeeder.DigitsModel;

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
