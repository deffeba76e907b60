namespace LabelPlatform.Quality.Aggregation;

/// <summary>
/// What Dawid–Skene estimated. <see cref="Labels"/> holds each item's most probable label with its posterior
/// probability as confidence (no label for an item without answers, or an exact tie).
/// </summary>
public sealed class DawidSkeneResult
{
    private readonly double[] _posteriors;
    private readonly double[] _confusion;

    internal DawidSkeneResult(int labelCount, FinalLabel[] labels, double[] posteriors, double[] confusion, double[] priors,
        int iterations, bool converged, double logLikelihood)
    {
        (LabelCount, Labels, _posteriors, _confusion, Priors) = (labelCount, labels, posteriors, confusion, priors);
        (Iterations, Converged, LogLikelihood) = (iterations, converged, logLikelihood);
    }

    public int LabelCount { get; }

    public IReadOnlyList<FinalLabel> Labels { get; }

    /// <summary>Estimated share of items whose true label is each label.</summary>
    public IReadOnlyList<double> Priors { get; }

    /// <summary>EM iterations run (E-steps).</summary>
    public int Iterations { get; }

    /// <summary>False when EM stopped at the iteration cap before the posteriors settled.</summary>
    public bool Converged { get; }

    /// <summary>Log-likelihood of the answers under the parameters of the last E-step.</summary>
    public double LogLikelihood { get; }

    /// <summary>The item's probability of each true label.</summary>
    public ReadOnlySpan<double> PosteriorOf(int item) => _posteriors.AsSpan(item * LabelCount, LabelCount);

    /// <summary>The worker's confusion matrix, row-major: entry [truth * K + given] is P(answers given | truth).</summary>
    public ReadOnlySpan<double> ConfusionOf(int worker) => _confusion.AsSpan(worker * LabelCount * LabelCount, LabelCount * LabelCount);

    public double Confusion(int worker, int truth, int given) => _confusion[(((worker * LabelCount) + truth) * LabelCount) + given];

    /// <summary>The worker's estimated accuracy: the probability they give the true label, over the estimated priors.</summary>
    public double AccuracyOf(int worker)
    {
        var accuracy = 0.0;
        for (var truth = 0; truth < LabelCount; truth++)
        {
            accuracy += Priors[truth] * Confusion(worker, truth, truth);
        }

        return accuracy;
    }
}
