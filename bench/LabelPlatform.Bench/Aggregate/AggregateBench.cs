using System.Diagnostics;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Aggregation.Simulation;
using LabelPlatform.Quality.Policy;

namespace LabelPlatform.Bench.Aggregate;

/// <param name="Items">Items in the timed run; each gets <paramref name="AnswersPerItem"/> answers.</param>
/// <param name="CostItems">Items in each simulated job of the cost table.</param>
/// <param name="ReplayDirectory">Where the recorded job's files go (answers, model, gold, truth), for the replay tool.</param>
public sealed record AggregatePlan(int Items, int AnswersPerItem, int Workers, int Labels, int CostItems, int Seed, string ReplayDirectory);

/// <summary>
/// Times majority vote and Dawid–Skene over a million simulated answers, then replays a recorded job (a crowd and a
/// miscalibrated model) through labelling policies: what each costs and gets right. No database.
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

        // The cost table: a recorded job with a model in front, replayed through labelling policies (the default one
        // is then replayed again by the labelplatform tool, from the files, for the RESULT line).
        var job = SimulatedJob.Generate(plan.CostItems, plan.CostItems / 40, 10, plan.Workers, 6, 60, plan.Seed + 3);
        job.Write(plan.ReplayDirectory);
        Console.WriteLine();
        Console.WriteLine($"Replay on a recorded job: {job.Description}");
        Console.WriteLine($"(files in {plan.ReplayDirectory}; 6 recorded answers per item, 60 gold answers per worker: the policy buys what it asks for)");
        Console.WriteLine($"{"policy",-62} {"answers/item",12} {"accuracy",9} {"model only",10} {"undecided",9}");
        var defaults = LabelPolicy.Default;
        var policies = new List<(string Name, LabelPolicy Policy)>
        {
            ("default for a new job *", defaults),
            ("no model (every item to people)", defaults),
        };
        foreach (var target in new[] { 0.98, 0.995 })
        {
            policies.Add(($"target {target}", defaults with { TargetConfidence = target }));
        }

        foreach (var max in new[] { 3, 8 })
        {
            policies.Add(($"at most {max} answers", defaults with { MaxAnswers = max }));
        }

        foreach (var audit in new[] { 0.01, 0.05 })
        {
            policies.Add(($"audit share {audit}", defaults with { AuditShare = audit }));
        }

        foreach (var gold in new[] { 0.03, 0.1 })
        {
            policies.Add(($"gold rate {gold}", defaults with { GoldRate = gold }));
        }

        policies.Add(("no blocking", defaults with { MinAccuracy = 0 }));
        foreach (var (name, policy) in policies)
        {
            var model = name.StartsWith("no model", StringComparison.Ordinal) ? [] : job.Model;
            var outcome = Replay.Run(job.Answers, model, job.Gold, job.Truth, policy);
            Console.WriteLine($"{name,-62} {outcome.AnswersPerItem,12:0.000} {outcome.Accuracy,9:0.0000} {outcome.ModelOnly,10} {outcome.Undecided,9}");
        }

        Console.WriteLine("* the RESULT line's policy. answers/item: every answer bought (gold, audit, discarded included) per real item;");
        Console.WriteLine("  accuracy: share of real items whose final label is the true one (undecided items count with their best label).");

        Measure.Print("aggregate",
            ("answers", answers.Count),
            ("mv_s", mvTime.Seconds),
            ("ds_s", dsTime.Seconds),
            ("ds_accuracy", Math.Round(dsAccuracy, 4)),
            ("mv_accuracy", Math.Round(mvAccuracy, 4)),
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
