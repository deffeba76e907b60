using System.Numerics.Tensors;

namespace LabelPlatform.Quality.Aggregation;

/// <summary>Shared by the probabilistic methods: from log scores to a label and its probability.</summary>
public static class Posterior
{
    /// <summary>Turns log scores into probabilities in place (softmax); returns the log of the normaliser.</summary>
    public static double Normalise(Span<double> logScores)
    {
        var max = TensorPrimitives.Max<double>(logScores);
        if (double.IsNegativeInfinity(max))
        {
            // Every label impossible (contradictory certainties): say nothing rather than NaN.
            logScores.Fill(1.0 / logScores.Length);
            return max;
        }

        TensorPrimitives.Subtract(logScores, max, logScores);
        TensorPrimitives.Exp<double>(logScores, logScores);
        var sum = TensorPrimitives.Sum<double>(logScores);
        TensorPrimitives.Divide(logScores, sum, logScores);
        return max + Math.Log(sum);
    }

    /// <summary>Softmax of log scores, then the arg max; an exact tie for the top has no winner.</summary>
    public static FinalLabel Decide(Span<double> logScores)
    {
        Normalise(logScores);
        return ArgMax(logScores);
    }

    public static FinalLabel ArgMax(ReadOnlySpan<double> probabilities)
    {
        var (best, top, tied) = (-1, double.NegativeInfinity, false);
        for (var label = 0; label < probabilities.Length; label++)
        {
            if (probabilities[label] > top)
            {
                (best, top, tied) = (label, probabilities[label], false);
            }
            else if (probabilities[label] == top)
            {
                tied = true;
            }
        }

        return tied ? FinalLabel.None : new FinalLabel(best, top);
    }
}
