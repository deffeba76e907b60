using LabelPlatform.Quality.Policy;

namespace LabelPlatform.Quality.Aggregation.Simulation;

/// <summary>
/// A recorded job to replay a policy on: items with true labels, a model's label and (miscalibrated) confidence for
/// each, gold items, and more recorded answers per item than any sensible policy buys, from a crowd of good,
/// mediocre and spamming workers. The replay decides which of them would have been bought.
/// </summary>
public sealed record SimulatedJob(
    IReadOnlyList<ReplayAnswer> Answers, IReadOnlyList<ReplayPrediction> Model, IReadOnlyDictionary<string, string> Gold,
    IReadOnlyDictionary<string, string> Truth, string Description)
{
    /// <param name="items">Real items.</param>
    /// <param name="goldItems">Gold items (known answers).</param>
    /// <param name="labels">Labels; the true ones a little unbalanced.</param>
    /// <param name="workers">Crowd size: 60% good (accuracy 0.88–0.98), 30% mediocre (0.65–0.85), 10% spammers (random clicks).</param>
    /// <param name="answersPerItem">Recorded answers per real item, from different workers.</param>
    /// <param name="goldPerWorker">Recorded gold answers per worker (the replay takes them as the gold rate asks).</param>
    public static SimulatedJob Generate(int items, int goldItems, int labels, int workers, int answersPerItem, int goldPerWorker, int seed)
    {
        var random = new Random(seed);
        var weights = Enumerable.Range(0, labels).Select(k => 1 + (0.3 * k)).ToArray();
        var priors = weights.Select(w => w / weights.Sum()).ToArray();
        var pool = new SimulatedWorker[workers];
        for (var w = 0; w < workers; w++)
        {
            var kind = random.NextDouble();
            pool[w] = kind < 0.6 ? SimulatedWorker.Realistic(labels, 0.88 + (0.1 * random.NextDouble()), random)
                : kind < 0.9 ? SimulatedWorker.Realistic(labels, 0.65 + (0.2 * random.NextDouble()), random)
                : SimulatedWorker.Random(labels);
        }

        var crowd = new SimulatedCrowd(priors, pool);
        var name = (int k) => ((char)('a' + k)).ToString();
        var truth = new Dictionary<string, string>(StringComparer.Ordinal);
        var gold = new Dictionary<string, string>(StringComparer.Ordinal);
        var answers = new List<ReplayAnswer>((items * answersPerItem) + (workers * goldPerWorker));
        var model = new List<ReplayPrediction>(items);
        var taken = new int[Math.Min(answersPerItem, workers)];
        for (var i = 0; i < items + goldItems; i++)
        {
            var isGold = i >= items;
            var task = isGold ? $"g{i - items:D5}" : $"t{i:D6}";
            var label = crowd.DrawTruth(random);
            (isGold ? gold : truth)[task] = name(label);
            if (isGold)
            {
                continue;
            }

            // The model: most items easy, some hard; right with probability q, and overconfident about it.
            var u = random.NextDouble();
            var q = u < 0.72 ? 0.995 + (0.0049 * random.NextDouble())
                : u < 0.9 ? 0.8 + (0.19 * random.NextDouble())
                : 0.3 + (0.5 * random.NextDouble());
            var modelLabel = random.NextDouble() < q ? label : (label + 1 + random.Next(labels - 1)) % labels;
            var confidence = 1 / (1 + Math.Exp(-((1.6 * Math.Log(q / (1 - q))) + 0.8)));
            model.Add(new ReplayPrediction(task, name(modelLabel), Math.Round(Math.Min(confidence, 0.999999), 6)));

            for (var a = 0; a < taken.Length; a++)
            {
                var worker = crowd.NewWorker(taken.AsSpan(0, a), random);
                taken[a] = worker;
                answers.Add(new ReplayAnswer($"w{worker:D4}", task, name(pool[worker].Answer(label, random)), random.NextInt64(1, long.MaxValue)));
            }
        }

        var goldTasks = gold.Keys.ToArray();
        for (var w = 0; w < workers; w++)
        {
            foreach (var task in goldTasks.OrderBy(_ => random.Next()).Take(goldPerWorker))
            {
                var label = gold[task][0] - 'a';
                answers.Add(new ReplayAnswer($"w{w:D4}", task, name(pool[w].Answer(label, random)), random.NextInt64(1, long.MaxValue)));
            }
        }

        var modelRight = model.Count(m => truth[m.Task] == m.Label) / (double)Math.Max(1, model.Count);
        var description = $"{items} items + {goldItems} gold, {labels} labels; {workers} workers ({pool.Count(p => p.Kind == "random")} spammers), " +
            $"mean accuracy {pool.Average(p => p.Accuracy(priors)):0.000}; model right on {modelRight:0.000} of items, mean confidence {model.Average(m => m.Confidence):0.000}";
        return new SimulatedJob(answers, model, gold, truth, description);
    }

    /// <summary>Writes the four files the replay tool reads (answers, model, gold, truth) into <paramref name="directory"/>.</summary>
    public void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllLines(Path.Combine(directory, "answers.csv"), Answers.Select(a => $"{a.Worker},{a.Task},{a.Label},{a.Order}").Prepend("worker,task,label,order"));
        File.WriteAllLines(Path.Combine(directory, "model.csv"), Model.Select(m => FormattableString.Invariant($"{m.Task},{m.Label},{m.Confidence}")).Prepend("task,label,confidence"));
        File.WriteAllLines(Path.Combine(directory, "gold.csv"), Gold.Select(g => $"{g.Key},{g.Value}").Prepend("task,label"));
        File.WriteAllLines(Path.Combine(directory, "truth.csv"), Truth.Select(t => $"{t.Key},{t.Value}").Prepend("task,label"));
    }
}
