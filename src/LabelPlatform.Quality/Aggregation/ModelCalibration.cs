namespace LabelPlatform.Quality.Aggregation;

/// <summary>
/// One item the model labelled and people answered, as calibration sees it: the model's label and its raw
/// confidence, and the people's answers with each worker's estimated accuracy.
/// </summary>
public readonly record struct CalibrationCase(int ModelLabel, double Confidence, int[] Labels, double[] Accuracies);

/// <summary>One bin of the reliability curve: items whose raw confidence fell in [From, To).</summary>
/// <param name="Observed">The share of the bin's items the model got right, as the people's answers show it (each item counts with its posterior probability of being right).</param>
/// <param name="Calibrated">The mean calibrated probability the platform uses for the bin.</param>
public sealed record ReliabilityBin(double From, double To, int Items, double MeanConfidence, double Observed, double Calibrated);

/// <summary>
/// Turns a model's raw confidence in its top label into a probability that it is right, fitted per job on
/// the items people answered (the audit sample and the items the model was unsure of): Platt scaling on the
/// confidence's log-odds, p = σ(A·logit(c) + B) (temperature scaling with a bias). The truth is never known,
/// only answers from workers who are themselves sometimes wrong, so the fit is an EM over whether the model was
/// right on each item, weighing the answers by their workers' accuracy; a weak Gaussian prior pulls (A, B)
/// towards (1, 0), "the confidence means what it says", so a few agreeing answers cannot make the model certain.
/// Before <see cref="MinCases"/> cases the model is not trusted above <see cref="UncalibratedCap"/>.
/// </summary>
public sealed record ModelCalibration(double A, double B, int Cases)
{
    /// <summary>Cases needed before the fit is used.</summary>
    public const int MinCases = 30;

    /// <summary>The most an uncalibrated model's confidence counts for.</summary>
    public const double UncalibratedCap = 0.9;

    private const double PriorPrecision = 1.0;
    private const double Epsilon = 1e-6;

    public static readonly ModelCalibration None = new(1, 0, 0);

    public bool IsFitted => Cases >= MinCases;

    /// <summary>The calibrated probability that the model's label is right.</summary>
    public double Apply(double confidence)
    {
        var c = Math.Clamp(confidence, Epsilon, 1 - Epsilon);
        return IsFitted ? Sigmoid((A * Logit(c)) + B) : Math.Min(c, UncalibratedCap);
    }

    /// <summary>The item's prior over <paramref name="labelCount"/> labels: the calibrated probability on the model's label, the rest spread evenly.</summary>
    public void PriorOf(Span<double> prior, int modelLabel, double confidence)
    {
        var p = Apply(confidence);
        prior.Fill((1 - p) / (prior.Length - 1));
        prior[modelLabel] = p;
    }

    public static ModelCalibration Fit(IReadOnlyList<CalibrationCase> cases, int labelCount)
    {
        if (cases.Count < MinCases)
        {
            return new ModelCalibration(1, 0, cases.Count);
        }

        var x = cases.Select(c => Logit(Math.Clamp(c.Confidence, Epsilon, 1 - Epsilon))).ToArray();
        var r = cases.Select(c => LogLikelihoodRatio(c, labelCount)).ToArray();

        // The marginal log-likelihood of the answers, Σ log(p·e^r + 1 − p) with p = σ(a·x + b), plus the prior; its
        // gradient is Σ (w − p)·x, w being the chance the model was right given the answers (EM's responsibility).
        // Newton steps with the logistic Hessian, halved until the objective rises: it never diverges.
        double Objective(double a, double b)
        {
            var total = -0.5 * PriorPrecision * (((a - 1) * (a - 1)) + (b * b));
            for (var i = 0; i < x.Length; i++)
            {
                var z = (a * x[i]) + b;
                total += Softplus(z + r[i]) - Softplus(z);
            }

            return total;
        }

        var (a, b) = (1.0, 0.0);
        var current = Objective(a, b);
        for (var step = 0; step < 100; step++)
        {
            double ga = -PriorPrecision * (a - 1), gb = -PriorPrecision * b, haa = PriorPrecision, hab = 0, hbb = PriorPrecision;
            for (var i = 0; i < x.Length; i++)
            {
                var z = (a * x[i]) + b;
                var p = Sigmoid(z);
                var w = Sigmoid(z + r[i]);
                var v = p * (1 - p);
                ga += (w - p) * x[i];
                gb += w - p;
                haa += v * x[i] * x[i];
                hab += v * x[i];
                hbb += v;
            }

            var det = (haa * hbb) - (hab * hab);
            var (da, db) = (((hbb * ga) - (hab * gb)) / det, ((haa * gb) - (hab * ga)) / det);
            var scale = 1.0;
            while (scale > 1e-6 && Objective(a + (scale * da), b + (scale * db)) < current)
            {
                scale /= 2;
            }

            if (scale <= 1e-6)
            {
                break;
            }

            (a, b) = (a + (scale * da), b + (scale * db));
            var next = Objective(a, b);
            var gained = next - current;
            current = next;
            if (gained < 1e-9)
            {
                break;
            }
        }

        return new ModelCalibration(a, b, cases.Count);
    }

    /// <summary>The reliability curve: raw confidence in ten bins against how often the model was right there, and what calibration makes of it.</summary>
    public IReadOnlyList<ReliabilityBin> Reliability(IReadOnlyList<CalibrationCase> cases, int labelCount, int bins = 10)
    {
        var result = new List<ReliabilityBin>(bins);
        for (var bin = 0; bin < bins; bin++)
        {
            var (from, to) = ((double)bin / bins, (double)(bin + 1) / bins);
            var inBin = cases.Where(c => c.Confidence >= from && (c.Confidence < to || (bin == bins - 1 && c.Confidence <= 1))).ToList();
            if (inBin.Count == 0)
            {
                continue;
            }

            var observed = inBin.Average(c => Sigmoid(Logit(Apply(c.Confidence)) + LogLikelihoodRatio(c, labelCount)));
            result.Add(new ReliabilityBin(from, to, inBin.Count, inBin.Average(c => c.Confidence), observed, inBin.Average(c => Apply(c.Confidence))));
        }

        return result;
    }

    /// <summary>log P(answers | the model's label is true) − log P(answers | it is not), under the one-coin model.</summary>
    public static double LogLikelihoodRatio(CalibrationCase c, int labelCount)
    {
        Span<double> logLikelihood = labelCount <= 256 ? stackalloc double[labelCount] : new double[labelCount];
        logLikelihood.Clear();
        WeightedVote.AddLogLikelihoods(logLikelihood, c.Labels, c.Accuracies);

        // The model wrong: the truth is one of the other labels, each equally likely.
        var max = double.NegativeInfinity;
        for (var truth = 0; truth < labelCount; truth++)
        {
            max = truth == c.ModelLabel ? max : Math.Max(max, logLikelihood[truth]);
        }

        var sum = 0.0;
        for (var truth = 0; truth < labelCount; truth++)
        {
            sum += truth == c.ModelLabel ? 0 : Math.Exp(logLikelihood[truth] - max);
        }

        return logLikelihood[c.ModelLabel] - (max + Math.Log(sum / (labelCount - 1)));
    }

    private static double Logit(double p) => Math.Log(p / (1 - p));

    private static double Softplus(double z) => z > 30 ? z : z < -30 ? Math.Exp(z) : Math.Log(1 + Math.Exp(z));

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
