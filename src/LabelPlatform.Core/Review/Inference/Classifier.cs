using System.Numerics.Tensors;
using LabelPlatform.Review.Models;
using Microsoft.ML.OnnxRuntime;

namespace LabelPlatform.Review.Inference;

/// <summary>What a classification model says about one image: its best class and how sure it is.</summary>
public sealed record ClassPrediction(int ClassIndex, string? Label, float Confidence, float[] Probabilities);

/// <summary>Runs a classification model over a batch of prepared inputs in one inference.</summary>
public static class Classifier
{
    /// <param name="inputs">The batch's input values, image after image (see <see cref="ImagePreprocessor"/>).</param>
    public static IReadOnlyList<ClassPrediction> Run(InferenceSession session, ModelDescriptor model, float[] inputs, int count)
    {
        var shape = model.Layout == TensorLayout.Nchw
            ? new long[] { count, model.Channels, model.Height, model.Width }
            : [count, model.Height, model.Width, model.Channels];
        using var input = OrtValue.CreateTensorValueFromMemory(inputs, shape);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, [model.InputName], [input], [model.OutputName!]);
        var scores = outputs[0].GetTensorDataAsSpan<float>();
        var classes = scores.Length / count;
        var predictions = new List<ClassPrediction>(count);
        for (var i = 0; i < count; i++)
        {
            var probabilities = scores.Slice(i * classes, classes).ToArray();
            if (model.ClassificationOutput == ClassificationOutput.Logits)
            {
                Softmax(probabilities);
            }

            var best = TensorPrimitives.IndexOfMax<float>(probabilities);
            predictions.Add(new ClassPrediction(best, model.LabelMap.GetValueOrDefault(best), probabilities[best], probabilities));
        }

        return predictions;
    }

    /// <summary>Softmax in place; the largest logit is taken off first so large logits cannot overflow.</summary>
    public static void Softmax(Span<float> values)
    {
        TensorPrimitives.Subtract(values, TensorPrimitives.Max<float>(values), values);
        TensorPrimitives.SoftMax<float>(values, values);
    }
}
