namespace LabelPlatform.Quality.Aggregation;

/// <summary>
/// Accuracy-weighted vote under the one-coin model: a worker with accuracy a gives the true label with
/// probability a and each of the other K-1 labels with probability (1-a)/(K-1). The posterior of label k
/// is then proportional to exp(Σ w_j over the workers who chose k), with w = log(a(K-1)/(1-a)), the
/// log-odds of the worker's accuracy against a wrong label. A worker at chance level (a = 1/K) weighs
/// nothing; one below chance counts against the label they chose.
/// </summary>
public static class WeightedVote
{
    // An accuracy of exactly 0 or 1 would give one worker an infinite say.
    private const double MinAccuracy = 1e-3;
    private const double MaxAccuracy = 1 - 1e-3;

    /// <summary>
    /// A worker's accuracy from their gold results: the posterior mean under the platform's worker prior
    /// (<see cref="WorkerPrior.Default"/> unless another is given). With no gold answered yet it is the prior's mean.
    /// </summary>
    public static double AccuracyFromGold(int correct, int total, WorkerPrior? prior = null) =>
        (prior ?? WorkerPrior.Default).AccuracyFrom(correct, total);

    /// <summary>The vote weight of a worker with accuracy <paramref name="accuracy"/> among <paramref name="labelCount"/> labels.</summary>
    public static double Weight(double accuracy, int labelCount)
    {
        var a = Math.Clamp(accuracy, MinAccuracy, MaxAccuracy);
        return Math.Log(a * (labelCount - 1) / (1 - a));
    }

    /// <summary>
    /// Final label per item: the label with the highest weighted vote, and as confidence its posterior
    /// probability under the one-coin model with equal priors (the softmax of the weighted votes). Labels
    /// tied for the top posterior have no winner (<see cref="FinalLabel.None"/>), as in majority vote.
    /// </summary>
    /// <param name="workerAccuracy">Accuracy per worker index, e.g. from <see cref="AccuracyFromGold"/>.</param>
    /// <param name="itemPriors">Optional, ItemCount × LabelCount: the item's prior over the labels (the calibrated model's
    /// view, a gold item's known answer); a row of zeros means equal priors. An item with a prior and no answers gets the prior's top label.</param>
    public static FinalLabel[] Decide(AnswerSet answers, ReadOnlySpan<double> workerAccuracy, double[]? itemPriors = null)
    {
        if (workerAccuracy.Length < answers.WorkerCount)
        {
            throw new ArgumentException($"Need an accuracy for each of the {answers.WorkerCount} workers.", nameof(workerAccuracy));
        }

        var k = answers.LabelCount;
        var weights = new double[answers.WorkerCount];
        for (var w = 0; w < weights.Length; w++)
        {
            weights[w] = Weight(workerAccuracy[w], k);
        }

        var results = new FinalLabel[answers.ItemCount];
        Span<double> score = k <= 128 ? stackalloc double[k] : new double[k];
        for (var item = 0; item < answers.ItemCount; item++)
        {
            var labels = answers.LabelsOf(item);
            var prior = itemPriors is null ? default : itemPriors.AsSpan(item * k, k);
            var hasPrior = !prior.IsEmpty && prior.ContainsAnyExcept(0.0);
            if (labels.IsEmpty && !hasPrior)
            {
                results[item] = FinalLabel.None;
                continue;
            }

            score.Clear();
            for (var label = 0; hasPrior && label < k; label++)
            {
                score[label] = prior[label] > 0 ? Math.Log(prior[label]) : double.NegativeInfinity;
            }

            var workers = answers.WorkersOf(item);
            for (var i = 0; i < labels.Length; i++)
            {
                score[labels[i]] += weights[workers[i]];
            }

            results[item] = Posterior.Decide(score);
        }

        return results;
    }

    /// <summary>
    /// One item's posterior over the labels, into <paramref name="posterior"/>: the item's prior (null: equal) times, for
    /// each answer, the chance a worker of that accuracy gives it under each true label (the one-coin model).
    /// </summary>
    public static void PosteriorOf(Span<double> posterior, ReadOnlySpan<double> prior, ReadOnlySpan<int> labels, ReadOnlySpan<double> accuracies)
    {
        for (var label = 0; label < posterior.Length; label++)
        {
            posterior[label] = prior.IsEmpty ? 0 : prior[label] > 0 ? Math.Log(prior[label]) : double.NegativeInfinity;
        }

        AddLogLikelihoods(posterior, labels, accuracies);
        Posterior.Normalise(posterior);
    }

    /// <summary>Adds, for each true label, the log-probability of the answers under the one-coin model.</summary>
    internal static void AddLogLikelihoods(Span<double> scores, ReadOnlySpan<int> labels, ReadOnlySpan<double> accuracies)
    {
        var k = scores.Length;
        for (var i = 0; i < labels.Length; i++)
        {
            var a = Math.Clamp(accuracies[i], MinAccuracy, MaxAccuracy);
            var (right, wrong) = (Math.Log(a), Math.Log((1 - a) / (k - 1)));
            for (var label = 0; label < k; label++)
            {
                scores[label] += label == labels[i] ? right : wrong;
            }
        }
    }
}
