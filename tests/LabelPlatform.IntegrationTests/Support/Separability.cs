namespace LabelPlatform.IntegrationTests.Support;

/// <summary>
/// How well what someone observes tells two kinds of thing apart (gold from real items, say):
/// the ROC AUC of each observed feature on its own, and of two classifiers over all of them,
/// cross-validated (a logistic regression and a nearest-neighbour vote). 0.5 is chance.
/// </summary>
public static class Separability
{
    /// <summary>The probability that a random positive scores above a random negative (ties count half): the Mann–Whitney AUC.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> positive)
    {
        var ranked = scores.Select((s, i) => (Score: s, Positive: positive[i])).OrderBy(x => x.Score).ToList();
        double rankSum = 0;
        for (var i = 0; i < ranked.Count;)
        {
            var j = i;
            while (j < ranked.Count && ranked[j].Score.Equals(ranked[i].Score))
            {
                j++;
            }

            var averageRank = (i + 1 + j) / 2.0; // ranks i+1 … j share their mean
            rankSum += averageRank * ranked.Skip(i).Take(j - i).Count(x => x.Positive);
            i = j;
        }

        double positives = positive.Count(p => p), negatives = positive.Count - positives;
        return (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    /// <summary>A feature that separates either way round separates: the larger of AUC and 1 − AUC.</summary>
    public static double EitherWay(double auc) => Math.Max(auc, 1 - auc);

    /// <summary>Each feature's AUC (either way round), by name.</summary>
    public static Dictionary<string, double> PerFeature(IReadOnlyList<IReadOnlyDictionary<string, double>> rows, IReadOnlyList<bool> positive) =>
        rows[0].Keys.ToDictionary(name => name, name => EitherWay(Auc(rows.Select(r => r[name]).ToList(), positive)));

    /// <summary>Out-of-fold scores of a classifier trained on the other folds, pooled into one AUC.</summary>
    public static double CrossValidatedAuc(
        IReadOnlyList<IReadOnlyDictionary<string, double>> rows, IReadOnlyList<bool> positive, Func<double[][], bool[], double[][], double[]> classifier, int folds = 5)
    {
        var names = rows[0].Keys.OrderBy(n => n, StringComparer.Ordinal).ToList();
        var x = rows.Select(r => names.Select(n => r[n]).ToArray()).ToArray();
        var scores = new double[x.Length];
        for (var fold = 0; fold < folds; fold++)
        {
            var train = Enumerable.Range(0, x.Length).Where(i => i % folds != fold).ToArray();
            var test = Enumerable.Range(0, x.Length).Where(i => i % folds == fold).ToArray();
            var (trainX, testX) = Standardise(train.Select(i => x[i]).ToArray(), test.Select(i => x[i]).ToArray());
            var predicted = classifier(trainX, train.Select(i => positive[i]).ToArray(), testX);
            for (var k = 0; k < test.Length; k++)
            {
                scores[test[k]] = predicted[k];
            }
        }

        return Auc(scores, positive);
    }

    /// <summary>L2-regularised logistic regression by gradient descent: the probability of the positive kind.</summary>
    public static double[] Logistic(double[][] trainX, bool[] trainY, double[][] testX)
    {
        var width = trainX[0].Length;
        var weights = new double[width + 1];
        for (var step = 0; step < 400; step++)
        {
            var gradient = new double[width + 1];
            for (var i = 0; i < trainX.Length; i++)
            {
                var error = Sigmoid(Score(weights, trainX[i])) - (trainY[i] ? 1 : 0);
                gradient[width] += error;
                for (var f = 0; f < width; f++)
                {
                    gradient[f] += error * trainX[i][f];
                }
            }

            for (var f = 0; f <= width; f++)
            {
                weights[f] -= 0.5 * ((gradient[f] / trainX.Length) + (f < width ? 0.01 * weights[f] : 0));
            }
        }

        return testX.Select(row => Sigmoid(Score(weights, row))).ToArray();
    }

    /// <summary>The share of positives among the 31 nearest training rows: catches what a line cannot (a narrower spread, a second mode).</summary>
    public static double[] NearestNeighbours(double[][] trainX, bool[] trainY, double[][] testX) =>
        testX.Select(row => trainX
                .Select((t, i) => (Distance: t.Zip(row, (a, b) => (a - b) * (a - b)).Sum(), Positive: trainY[i]))
                .OrderBy(n => n.Distance)
                .Take(31)
                .Average(n => n.Positive ? 1.0 : 0.0))
            .ToArray();

    private static double Score(double[] weights, double[] row) => weights[^1] + row.Select((v, f) => v * weights[f]).Sum();

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));

    // Each feature to mean 0 and spread 1 on the training rows (a constant feature to 0), tails clipped so one slow request does not dominate.
    private static (double[][] Train, double[][] Test) Standardise(double[][] train, double[][] test)
    {
        var width = train[0].Length;
        var mean = Enumerable.Range(0, width).Select(f => train.Average(r => r[f])).ToArray();
        var sd = Enumerable.Range(0, width).Select(f => Math.Sqrt(train.Average(r => (r[f] - mean[f]) * (r[f] - mean[f])))).ToArray();
        double[] Scale(double[] row) => row.Select((v, f) => sd[f] > 0 ? Math.Clamp((v - mean[f]) / sd[f], -4, 4) : 0).ToArray();
        return (train.Select(Scale).ToArray(), test.Select(Scale).ToArray());
    }
}
