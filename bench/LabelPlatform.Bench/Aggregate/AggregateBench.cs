using System.Diagnostics;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Aggregation.Simulation;

namespace LabelPlatform.Bench.Aggregate;

/// <param name="Items">Items in the timed run; each gets <paramref name="AnswersPerItem"/> answers.</param>
/// <param name="CostItems">Items in each simulated job of the cost table.</param>
public sealed record AggregatePlan(
    int Items, int AnswersPerItem, int Workers, int Labels, int CostItems, int Seed,
    int MinAnswers, int MaxAnswers, double TargetConfidence);

/// <summary>
/// Times majority vote and Dawid–Skene over a million simulated answers, then compares what fixed and
/// dynamic overlap cost on the same simulated crowd. No database: the aggregation maths only.
/// </summary>
public static class AggregateBench
{
    public static void Run(AggregatePlan plan)
    {
        var crowd = SimulatedCrowd.Realistic(plan.Workers, plan.Labels, new Random(plan.Seed));
        var kinds = crowd.Workers.GroupBy(w => w.Kind).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}");
        var meanAccuracy = crowd.Workers.Average(w => w.Accuracy(crowd.Priors));
        Console.WriteLine($"Crowd: {plan.Workers} workers ({string.Join(", ", kinds)}), mean accuracy {meanAccuracy:0.000}, K={plan.Labels}, seed {plan.Seed}");

        var generate = Stopwatch.StartNew();
        var labelling = crowd.Label(plan.Items, plan.AnswersPerItem, new Random(plan.Seed + 1));
        Console.WriteLine($"Generated {labelling.Answers.Count:N0} answers ({plan.Items:N0} items × {plan.AnswersPerItem}) in {generate.Elapsed.TotalSeconds:0.00} s");

        // JIT and thread pool warm-up on a small job, so the timings are the steady state a background job sees.
        var warm = crowd.Label(2_000, plan.AnswersPerItem, new Random(plan.Seed + 2));
        MajorityVote.Decide(warm.Answers);
        DawidSkene.Run(warm.Answers);

        var answers = labelling.Answers;
        var accuracies = crowd.Workers.Select(w => w.Accuracy(crowd.Priors)).ToArray();
        var (mv, mvTime) = Timed(() => MajorityVote.Decide(answers));
        var (weighted, weightedTime) = Timed(() => WeightedVote.Decide(answers, accuracies));
        var (ds, dsTime) = Timed(() => DawidSkene.Run(answers));
        var (alpha, alphaTime) = Timed(() => KrippendorffAlpha.Nominal(answers));
        var mvAccuracy = labelling.Accuracy(mv);
        var dsAccuracy = labelling.Accuracy(ds.Labels);
        var confusionError = crowd.Workers.Select((w, i) => MeanAbsoluteError(w.Confusion, ds.ConfusionOf(i))).Average();

        Console.WriteLine();
        Console.WriteLine($"{"method",-44} {"seconds",8} {"alloc MB",9} {"accuracy",9}");
        Row("majority vote (tie = no label)", mvTime, mvAccuracy);
        Row("accuracy-weighted vote (true accuracies)", weightedTime, labelling.Accuracy(weighted));
        Row($"Dawid–Skene ({ds.Iterations} iterations, {(ds.Converged ? "converged" : "cap reached")})", dsTime, dsAccuracy);
        Row($"Krippendorff's alpha = {alpha:0.000}", alphaTime, double.NaN);
        Console.WriteLine($"Dawid–Skene confusion matrices: mean absolute error {confusionError:0.0000} per cell against the true ones");
        Console.WriteLine($"Process peak working set {Environment.WorkingSet / 1048576.0:0} MB now, {Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0:0} MB peak (answers held as {answers.Count * 8 / 1048576.0:0} MB of int arrays); {Environment.ProcessorCount} cores");

        // The cost table: the same crowd, fresh jobs of CostItems items with the same true labels per seed.
        Console.WriteLine();
        Console.WriteLine($"Cost on {plan.CostItems:N0} items, same crowd and true labels:");
        Console.WriteLine($"{"strategy",-58} {"answers/item",12} {"accuracy",9} {"no label",10} {"exhausted",9}");
        var costSeed = plan.Seed + 3;
        var fixed3 = OverlapSimulation.FixedMajority(crowd, plan.CostItems, 3, costSeed);
        var policy = new DynamicOverlap(plan.MinAnswers, plan.MaxAnswers, plan.TargetConfidence);
        var dynamic = OverlapSimulation.DynamicDawidSkene(crowd, plan.CostItems, policy, costSeed);
        var outcomes = new List<OverlapOutcome>
        {
            fixed3,
            OverlapSimulation.FixedMajority(crowd, plan.CostItems, 5, costSeed),
            OverlapSimulation.FixedDawidSkene(crowd, plan.CostItems, 3, costSeed),
            dynamic,
        };
        foreach (var target in new[] { 0.7, 0.9, 0.95 }.Where(t => t != plan.TargetConfidence))
        {
            outcomes.Add(OverlapSimulation.DynamicDawidSkene(crowd, plan.CostItems, policy with { TargetConfidence = target }, costSeed));
        }

        outcomes.Add(OverlapSimulation.DynamicDawidSkene(crowd, plan.CostItems, policy with { MinAnswers = plan.MinAnswers + 1 }, costSeed));
        foreach (var o in outcomes.Take(3).Concat(outcomes.Skip(3).OrderBy(o => o.Strategy, StringComparer.Ordinal)))
        {
            var headline = ReferenceEquals(o, fixed3) || ReferenceEquals(o, dynamic) ? " *" : "";
            Console.WriteLine($"{o.Strategy + headline,-58} {o.AnswersPerItem,12:0.000} {o.Accuracy,9:0.0000} {o.Unlabelled,10} {o.Exhausted,9}");
        }

        Console.WriteLine("* the RESULT line's comparison. Accuracy: share of items whose final label is the true one (no label counts as wrong).");
        Console.WriteLine("  no label: ties under majority vote. exhausted: items that got the most answers and stayed below the target.");

        Measure.Print("aggregate",
            ("answers", answers.Count),
            ("mv_s", mvTime.Seconds),
            ("ds_s", dsTime.Seconds),
            ("ds_accuracy", Math.Round(dsAccuracy, 4)),
            ("mv_accuracy", Math.Round(mvAccuracy, 4)),
            ("answers_per_item_dynamic", Math.Round(dynamic.AnswersPerItem, 3)),
            ("dynamic_accuracy", Math.Round(dynamic.Accuracy, 4)),
            ("fixed3_accuracy", Math.Round(fixed3.Accuracy, 4)),
            ("ds_iterations", ds.Iterations),
            ("peak_ws_mb", Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0)));
    }

    private static void Row(string method, Cost cost, double accuracy) =>
        Console.WriteLine($"{method,-44} {cost.Seconds,8:0.000} {cost.AllocatedMb,9:0.0} {(double.IsNaN(accuracy) ? "" : accuracy.ToString("0.0000")),9}");

    private static (T Value, Cost Cost) Timed<T>(Func<T> run)
    {
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        var value = run();
        var seconds = clock.Elapsed.TotalSeconds;
        return (value, new Cost(seconds, (GC.GetTotalAllocatedBytes(precise: true) - allocated) / 1048576.0));
    }

    private static double MeanAbsoluteError(ReadOnlySpan<double> truth, ReadOnlySpan<double> estimate)
    {
        var sum = 0.0;
        for (var i = 0; i < truth.Length; i++)
        {
            sum += Math.Abs(truth[i] - estimate[i]);
        }

        return sum / truth.Length;
    }

    private readonly record struct Cost(double Seconds, double AllocatedMb);
}
