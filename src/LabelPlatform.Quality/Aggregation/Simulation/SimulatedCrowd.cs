namespace LabelPlatform.Quality.Aggregation.Simulation;

/// <summary>Items with known true labels and their simulated answers.</summary>
public sealed record SimulatedLabelling(AnswerSet Answers, int[] Truth)
{
    /// <summary>Share of items whose final label is the true one; an item with no final label counts as wrong.</summary>
    public double Accuracy(IReadOnlyList<FinalLabel> labels) => SimulatedCrowd.Accuracy(labels, Truth);
}

/// <summary>
/// A pool of simulated workers with known confusion matrices, and true labels drawn from known priors:
/// for testing aggregation methods against the truth and for sizing a job's overlap before paying for it.
/// Deterministic for a given <see cref="Random"/> seed.
/// </summary>
public sealed class SimulatedCrowd
{
    public SimulatedCrowd(IReadOnlyList<double> priors, IReadOnlyList<SimulatedWorker> workers)
    {
        if (workers.Count == 0 || workers.Any(w => w.LabelCount != priors.Count))
        {
            throw new ArgumentException("Every worker needs a confusion matrix over the priors' labels.", nameof(workers));
        }

        (Priors, Workers) = (priors, workers);
    }

    public int LabelCount => Priors.Count;

    public IReadOnlyList<double> Priors { get; }

    public IReadOnlyList<SimulatedWorker> Workers { get; }

    /// <summary>
    /// A crowd of realistic quality: <paramref name="workers"/> workers, most with accuracies drawn evenly
    /// from 0.6 to 0.95 and uneven mistakes, 5% who click at random and 2% who systematically swap labels;
    /// labels a little unbalanced (priors proportional to 1, 1.5, 2, ...).
    /// </summary>
    public static SimulatedCrowd Realistic(int workers, int labelCount, Random random)
    {
        var weights = Enumerable.Range(0, labelCount).Select(k => 1 + (0.5 * k)).ToArray();
        var priors = weights.Select(w => w / weights.Sum()).ToArray();
        var pool = new SimulatedWorker[workers];
        for (var w = 0; w < workers; w++)
        {
            var kind = random.NextDouble();
            pool[w] = kind < 0.05 ? SimulatedWorker.Random(labelCount)
                : kind < 0.07 ? SimulatedWorker.Adversarial(labelCount)
                : SimulatedWorker.Realistic(labelCount, 0.6 + (0.35 * random.NextDouble()), random);
        }

        return new SimulatedCrowd(priors, pool);
    }

    public int DrawTruth(Random random)
    {
        var u = random.NextDouble();
        for (var label = 0; label < LabelCount - 1; label++)
        {
            u -= Priors[label];
            if (u < 0)
            {
                return label;
            }
        }

        return LabelCount - 1;
    }

    /// <summary>
    /// <paramref name="items"/> items, each answered by <paramref name="answersPerItem"/> different workers
    /// chosen at random from the pool. The true labels are drawn first, so the same seed gives the same
    /// truth whatever the overlap.
    /// </summary>
    public SimulatedLabelling Label(int items, int answersPerItem, Random random)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(answersPerItem, Workers.Count);
        var truth = new int[items];
        var answers = new LabelAnswer[items * answersPerItem];
        Span<int> chosen = stackalloc int[answersPerItem];
        for (var item = 0; item < items; item++)
        {
            truth[item] = DrawTruth(random);
        }

        for (var item = 0; item < items; item++)
        {
            for (var a = 0; a < answersPerItem; a++)
            {
                var worker = NewWorker(chosen[..a], random);
                chosen[a] = worker;
                answers[(item * answersPerItem) + a] = new LabelAnswer(item, worker, Workers[worker].Answer(truth[item], random));
            }
        }

        return new SimulatedLabelling(new AnswerSet(items, Workers.Count, LabelCount, answers), truth);
    }

    /// <summary>A worker from the pool who is not among <paramref name="taken"/> (few, so a retry is cheap).</summary>
    public int NewWorker(ReadOnlySpan<int> taken, Random random)
    {
        while (true)
        {
            var worker = random.Next(Workers.Count);
            if (!taken.Contains(worker))
            {
                return worker;
            }
        }
    }

    public static double Accuracy(IReadOnlyList<FinalLabel> labels, IReadOnlyList<int> truth)
    {
        var right = 0;
        for (var item = 0; item < truth.Count; item++)
        {
            right += labels[item].Label == truth[item] ? 1 : 0;
        }

        return truth.Count == 0 ? 0 : (double)right / truth.Count;
    }
}
