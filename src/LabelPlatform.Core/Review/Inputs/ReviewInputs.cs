using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;

namespace LabelPlatform.Review.Inputs;

/// <summary>
/// Fills a review batch's input tensor from the items' model-sized copies (<see cref="InputCopies"/>).
/// An item without one is decoded from its original, and the copy it yields is kept for next time:
/// a review never depends on the copies having been made beforehand.
/// </summary>
public sealed class ReviewInputs(IItemStore store)
{
    /// <summary>Writes each item's values, image after image; returns which items' images could be read.</summary>
    public async Task<bool[]> FillAsync(IReadOnlyList<string> itemKeys, ModelDescriptor model, float[] inputs, CancellationToken ct)
    {
        var perImage = ImagePreprocessor.ValuesPerImage(model);
        var readable = new bool[itemKeys.Count];
        var made = new byte[]?[itemKeys.Count];
        Parallel.For(0, itemKeys.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var pixels = InputCopies.Read(store, itemKeys[i], model);
            if (pixels is null)
            {
                pixels = made[i] = InputCopies.Make(store, itemKeys[i], model);
            }

            if (pixels is not null)
            {
                ImagePreprocessor.WriteValues(pixels, model, inputs.AsSpan(i * perImage, perImage));
                readable[i] = true;
            }
        });

        for (var i = 0; i < made.Length; i++)
        {
            if (made[i] is { } copy)
            {
                await store.PutAsync(InputCopies.Key(itemKeys[i], model), copy, ct);
            }
        }

        return readable;
    }
}
