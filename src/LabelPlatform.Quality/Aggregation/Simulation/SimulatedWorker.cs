namespace LabelPlatform.Quality.Aggregation.Simulation;

/// <summary>
/// A made-up worker defined by a confusion matrix, row-major K×K: entry [truth * K + given] is the
/// probability of answering <c>given</c> when the item's label is <c>truth</c>. Rows sum to 1.
/// </summary>
public sealed record SimulatedWorker(string Kind, int LabelCount, double[] Confusion)
{
    public double Probability(int truth, int given) => Confusion[(truth * LabelCount) + given];

    /// <summary>Right with probability <paramref name="accuracy"/>, otherwise any other label, evenly.</summary>
    public static SimulatedWorker OneCoin(int labelCount, double accuracy, string kind = "one-coin")
    {
        var confusion = new double[labelCount * labelCount];
        for (var truth = 0; truth < labelCount; truth++)
        {
            for (var given = 0; given < labelCount; given++)
            {
                confusion[(truth * labelCount) + given] = truth == given ? accuracy : (1 - accuracy) / (labelCount - 1);
            }
        }

        return new SimulatedWorker(kind, labelCount, confusion);
    }

    /// <summary>
    /// Right with about <paramref name="accuracy"/> (a little more or less per label), with the mistakes
    /// spread unevenly over the other labels, as people confuse some classes more than others.
    /// </summary>
    public static SimulatedWorker Realistic(int labelCount, double accuracy, Random random)
    {
        var confusion = new double[labelCount * labelCount];
        for (var truth = 0; truth < labelCount; truth++)
        {
            var right = Math.Clamp(accuracy + ((random.NextDouble() - 0.5) * 0.1), 0.05, 0.99);
            var row = confusion.AsSpan(truth * labelCount, labelCount);
            var spread = 0.0;
            for (var given = 0; given < labelCount; given++)
            {
                if (given != truth)
                {
                    row[given] = 0.2 + random.NextDouble();
                    spread += row[given];
                }
            }

            for (var given = 0; given < labelCount; given++)
            {
                row[given] = given == truth ? right : (1 - right) * row[given] / spread;
            }
        }

        return new SimulatedWorker("realistic", labelCount, confusion);
    }

    /// <summary>Systematically swaps labels: answers the next label (truth + 1 mod K) with probability <paramref name="swapRate"/>, else the truth.</summary>
    public static SimulatedWorker Adversarial(int labelCount, double swapRate = 0.9)
    {
        var confusion = new double[labelCount * labelCount];
        for (var truth = 0; truth < labelCount; truth++)
        {
            confusion[(truth * labelCount) + ((truth + 1) % labelCount)] += swapRate;
            confusion[(truth * labelCount) + truth] += 1 - swapRate;
        }

        return new SimulatedWorker("adversarial", labelCount, confusion);
    }

    /// <summary>Clicks at random: every label equally likely, whatever the item.</summary>
    public static SimulatedWorker Random(int labelCount) => OneCoin(labelCount, 1.0 / labelCount, "random");

    public int Answer(int truth, Random random)
    {
        var u = random.NextDouble();
        var row = Confusion.AsSpan(truth * LabelCount, LabelCount);
        for (var given = 0; given < LabelCount - 1; given++)
        {
            u -= row[given];
            if (u < 0)
            {
                return given;
            }
        }

        return LabelCount - 1;
    }

    /// <summary>The worker's true accuracy over items drawn with the given label priors.</summary>
    public double Accuracy(IReadOnlyList<double> priors)
    {
        var accuracy = 0.0;
        for (var truth = 0; truth < LabelCount; truth++)
        {
            accuracy += priors[truth] * Probability(truth, truth);
        }

        return accuracy;
    }
}
