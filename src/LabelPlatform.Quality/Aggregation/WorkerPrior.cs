namespace LabelPlatform.Quality.Aggregation;

/// <summary>
/// What the platform believes about a worker it knows nothing about, used everywhere a worker's accuracy
/// is estimated: a Beta(<see cref="Right"/>, <see cref="Wrong"/>) prior over the chance that they give the
/// true label. Gold results update it (<see cref="AccuracyFrom"/>), majority vote and the weighted vote treat
/// an unknown worker as its mean, and Dawid–Skene starts every confusion row from it (a Dirichlet prior with
/// <see cref="Right"/> pseudo-answers on the diagonal and <see cref="Wrong"/> spread over the other labels).
/// The default, Beta(1.4, 0.6), is two answers' worth of belief centred on 70% (ADR 0015): weak enough that a few
/// gold answers outweigh it and Dawid–Skene keeps the standard EM's labels on the published datasets, strong enough
/// that one answer from a stranger is not "100% sure" and a re-estimate over workers with one or two answers each
/// does not collapse.
/// </summary>
public readonly record struct WorkerPrior(double Right, double Wrong)
{
    public static readonly WorkerPrior Default = new(1.4, 0.6);

    /// <summary>No prior at all: maximum likelihood, as in the 1979 paper (for comparing with reference figures).</summary>
    public static readonly WorkerPrior None = new(0, 0);

    /// <summary>An unknown worker's expected accuracy.</summary>
    public double Mean => Right + Wrong == 0 ? 0.5 : Right / (Right + Wrong);

    /// <summary>The posterior mean of a worker's accuracy after <paramref name="correct"/> of <paramref name="total"/> checks right.</summary>
    public double AccuracyFrom(int correct, int total)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(correct);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(correct, total);
        return Right + Wrong + total == 0 ? Mean : (correct + Right) / (total + Right + Wrong);
    }

    /// <summary>A 90% credible interval for that accuracy (normal approximation to the Beta posterior, clipped to 0–1).</summary>
    public (double Low, double High) IntervalFrom(int correct, int total)
    {
        double a = correct + Right, b = total - correct + Wrong;
        var mean = AccuracyFrom(correct, total);
        var sd = a + b == 0 ? 0.5 : Math.Sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
        return (Math.Max(0, mean - (1.645 * sd)), Math.Min(1, mean + (1.645 * sd)));
    }
}
