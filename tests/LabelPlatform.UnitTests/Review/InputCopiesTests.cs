using System.Text.RegularExpressions;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Inputs;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing;
using SkiaSharp;

namespace LabelPlatform.UnitTests.Review;

/// <summary>Model-sized input copies: the values a review reads from a copy are the ones the original gives.</summary>
public sealed class InputCopiesTests : IDisposable
{
    private const string PhotoKey = "0190c3a1b2c34d5e8f00112233445566/0190c3a1b2c34d5e8f00112233445567.jpg";

    private static readonly ModelDescriptor MobileNetLike = new()
    {
        Kind = ModelKind.Classification,
        Width = 224,
        Height = 224,
        Mean = [0.485f, 0.456f, 0.406f],
        Std = [0.229f, 0.224f, 0.225f],
        OutputName = "probabilities",
    };

    public static TheoryData<string> Models() => new() { "stretch-rgb-nchw", "letterbox-bgr-nhwc", "letterbox-grey-nchw" };

    private readonly string _root = Directory.CreateTempSubdirectory("lp-input-copies-").FullName;

    private LocalDiskItemStore Store => new(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ModelDescriptor Model(string name) => name switch
    {
        "stretch-rgb-nchw" => MobileNetLike,
        "letterbox-bgr-nhwc" => MobileNetLike with { Width = 320, Height = 256, Resize = ImageResize.Letterbox, Colour = ColourOrder.Bgr, Layout = TensorLayout.Nhwc },
        "letterbox-grey-nchw" => MobileNetLike with { Width = 96, Height = 64, Resize = ImageResize.Letterbox, Colour = ColourOrder.Grey, Mean = [0.5f], Std = [0.25f] },
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Models))]
    public async Task WriteValues_CopyKeptInTheStore_SameValuesAsTheOriginal(string name)
    {
        var model = Model(name);
        var original = File.ReadAllBytes(TestZips.DataPath("rocket.jpg"));
        await Store.PutAsync(PhotoKey, original, default);
        var fromOriginal = new float[ImagePreprocessor.ValuesPerImage(model)];
        Assert.NotNull(ImagePreprocessor.Fill(original, model, fromOriginal));

        await Store.PutAsync(InputCopies.Key(PhotoKey, model), InputCopies.Make(Store, PhotoKey, model)!, default);
        var copy = InputCopies.Read(Store, PhotoKey, model);
        var fromCopy = new float[fromOriginal.Length];
        ImagePreprocessor.WriteValues(copy, model, fromCopy);

        Assert.Equal(ImagePreprocessor.PixelBytes(model), copy!.Length);
        Assert.Equal(fromOriginal, fromCopy);
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void WriteValues_ModelSizedPixels_TheDescriptorsFormulaPerChannel(string name)
    {
        var model = Model(name);
        using var bitmap = SKBitmap.Decode(TestZips.DataPath("rocket.jpg"));
        var rgb = ImagePreprocessor.Resize(bitmap, model);
        var values = new float[ImagePreprocessor.ValuesPerImage(model)];

        ImagePreprocessor.WriteValues(rgb, model, values);

        var pixels = model.Width * model.Height;
        for (var p = 0; p < pixels; p += 97)
        {
            var (r, g, b) = (rgb[p * 3], rgb[(p * 3) + 1], rgb[(p * 3) + 2]);
            float[] channels = model.Colour switch
            {
                ColourOrder.Grey => [r == g && g == b ? r : (0.299f * r) + (0.587f * g) + (0.114f * b)],
                ColourOrder.Bgr => [b, g, r],
                _ => [r, g, b],
            };
            for (var c = 0; c < channels.Length; c++)
            {
                var expected = ((channels[c] * model.Scale) - model.Mean[c]) / model.Std[c];
                var index = model.Layout == TensorLayout.Nchw ? (c * pixels) + p : (p * channels.Length) + c;
                Assert.InRange(values[index], expected - 1e-5f, expected + 1e-5f);
            }
        }
    }

    [Fact]
    public void Key_ItemKey_KeepsTheStoresKeyRulesAndNamesTheGeometry()
    {
        var stretch = InputCopies.Key(PhotoKey, MobileNetLike);
        var letterbox = InputCopies.Key(PhotoKey, MobileNetLike with { Resize = ImageResize.Letterbox });

        Assert.Equal("review/224x224-stretch/0190c3a1b2c34d5e8f00112233445566/0190c3a1b2c34d5e8f00112233445567.rgb", stretch);
        Assert.NotEqual(stretch, letterbox);
        Assert.Matches(new Regex("^[a-z0-9-]+(/[a-z0-9-]+)*\\.[a-z0-9]+$"), letterbox);

        // BGR and other scaling read the same RGB pixels: one copy serves them.
        Assert.Equal(stretch, InputCopies.Key(PhotoKey, MobileNetLike with { Colour = ColourOrder.Bgr, Mean = [0, 0, 0] }));
    }

    [Fact]
    public async Task Read_CopyOfAnotherSize_TreatedAsMissing()
    {
        await Store.PutAsync(InputCopies.Key(PhotoKey, MobileNetLike), new byte[100], default);

        Assert.Null(InputCopies.Read(Store, PhotoKey, MobileNetLike));
    }

    [Fact]
    public async Task FillAsync_NoCopiesYet_MadeFromTheOriginalsAndKeptForNextTime()
    {
        var model = MobileNetLike;
        var photo = File.ReadAllBytes(TestZips.DataPath("rocket.jpg"));
        string[] keys = [PhotoKey, "0190c3a1b2c34d5e8f00112233445566/0190c3a1b2c34d5e8f00112233445568.png"];
        await Store.PutAsync(keys[0], photo, default);
        await Store.PutAsync(keys[1], File.ReadAllBytes(TestZips.DataPath("chelsea.png")), default);
        var perImage = ImagePreprocessor.ValuesPerImage(model);
        var inputs = new float[2 * perImage];

        var readable = await new ReviewInputs(Store).FillAsync(keys, model, inputs, default);

        Assert.Equal(new[] { true, true }, readable);
        Assert.All(keys, k => Assert.NotNull(InputCopies.Read(Store, k, model)));
        var expected = new float[perImage];
        ImagePreprocessor.Fill(photo, model, expected);
        Assert.Equal(expected, inputs[..perImage]);

        var again = new float[inputs.Length];
        Assert.Equal(new[] { true, true }, await new ReviewInputs(Store).FillAsync(keys, model, again, default));
        Assert.Equal(inputs, again);
    }

    [Fact]
    public async Task FillAsync_CorruptOrMissingImage_OnlyThatOneUnreadableAndNoCopyKept()
    {
        var model = MobileNetLike;
        string[] keys = [PhotoKey, "0190c3a1b2c34d5e8f00112233445566/0190c3a1b2c34d5e8f00112233445569.jpg", "0190c3a1b2c34d5e8f00112233445566/0190c3a1b2c34d5e8f0011223344556a.jpg"];
        await Store.PutAsync(keys[0], File.ReadAllBytes(TestZips.DataPath("rocket.jpg")), default);
        await Store.PutAsync(keys[1], "not a jpeg at all"u8.ToArray(), default);
        var inputs = new float[3 * ImagePreprocessor.ValuesPerImage(model)];

        var readable = await new ReviewInputs(Store).FillAsync(keys, model, inputs, default);

        Assert.Equal(new[] { true, false, false }, readable);
        Assert.Null(InputCopies.Read(Store, keys[1], model));
        Assert.Null(Store.OpenRead(InputCopies.Key(keys[1], model)));
    }
}
