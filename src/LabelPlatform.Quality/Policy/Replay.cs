using LabelPlatform.Quality.Aggregation;

namespace LabelPlatform.Quality.Policy;

/// <summary>One answer in a replay file: worker, item and label by name, and when it arrived.</summary>
public readonly record struct ReplayAnswer(string Worker, string Task, string Label, long Order);

/// <summary>The model's label for an item and its raw confidence.</summary>
public readonly record struct ReplayPrediction(string Task, string Label, double Confidence);

/// <summary>An item's final label after a replay (null: none), its posterior, who settled it and how many answers it took.</summary>
public sealed record ReplayItem(string Task, string? Label, double Confidence, string Source, int Answers, bool Undecided, bool Audit);

/// <summary>What a policy cost and got right on recorded answers.</summary>
/// <param name="Items">Items labelled (gold excluded).</param>
/// <param name="Bought">Every answer the policy paid for: on real items, audit items, gold, and answers later discarded.</param>
/// <param name="Accuracy">Share of the items with a known truth whose final label is the truth; null without a truth file.</param>
public sealed record ReplayOutcome(
    int Items, int Bought, int GoldBought, int AuditBought, int Discarded, int ModelOnly, int Undecided, int BlockedWorkers,
    double? Accuracy, ModelCalibration Calibration, IReadOnlyList<ReplayItem> Results)
{
    public double AnswersPerItem => Items == 0 ? 0 : (double)Bought / Items;

    /// <summary>The one line the tool ends with.</summary>
    public string ResultLine() =>
        FormattableString.Invariant($"RESULT replay items={Items} answers_per_item={AnswersPerItem:0.000} accuracy={(Accuracy is { } a ? a.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture) : "n/a")} undecided={Undecided}");
}

/// <summary>
/// Replays recorded answers through a <see cref="LabelPolicy"/>, buying an answer only when the policy would
/// have asked for one: what a researcher's job would have cost and got right under that policy, before they pay.
/// Each item's answers are taken in their recorded order (as workers would have come to it); which item is asked
/// next is the policy's choice, as the server's queue decides it: first one answer on every audit item (they
/// calibrate the model), then round after round one more answer on every item the policy still asks about.
/// A worker's answers on gold items are taken, in order, whenever the policy's gold rate gives them a check
/// before their next real answer; a worker whose accuracy falls below the policy's minimum is blocked and their
/// answers on real items are discarded (still paid for). No database: the same code as the server's decisions.
/// </summary>
public static class Replay
{
    public static ReplayOutcome Run(
        IReadOnlyList<ReplayAnswer> answers, IReadOnlyList<ReplayPrediction> model, IReadOnlyDictionary<string, string> gold,
        IReadOnlyDictionary<string, string>? truth, LabelPolicy policy)
    {
        if (policy.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(policy));
        }

        var labels = answers.Select(a => a.Label).Concat(model.Select(m => m.Label)).Concat(gold.Values).Concat(truth?.Values ?? [])
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (labels.Count < 2)
        {
            throw new ArgumentException("The files name fewer than two labels; there is nothing to decide.");
        }

        var k = labels.Count;
        var labelIndex = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var tasks = answers.Select(a => a.Task).Concat(model.Select(m => m.Task)).Where(t => !gold.ContainsKey(t))
            .Distinct(StringComparer.Ordinal).ToList();
        var taskIndex = tasks.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        var workerNames = answers.Select(a => a.Worker).Distinct(StringComparer.Ordinal).ToList();
        var workerIndex = workerNames.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i, StringComparer.Ordinal);

        var queues = new List<(int Worker, int Label)>[tasks.Count];
        var goldQueues = new List<bool>[workerNames.Count];
        for (var t = 0; t < tasks.Count; t++)
        {
            queues[t] = [];
        }

        for (var w = 0; w < workerNames.Count; w++)
        {
            goldQueues[w] = [];
        }

        foreach (var a in answers.OrderBy(a => a.Order))
        {
            if (gold.TryGetValue(a.Task, out var goldLabel))
            {
                goldQueues[workerIndex[a.Worker]].Add(a.Label == goldLabel);
            }
            else
            {
                queues[taskIndex[a.Task]].Add((workerIndex[a.Worker], labelIndex[a.Label]));
            }
        }

        var modelLabel = new int[tasks.Count];
        var modelConfidence = new double[tasks.Count];
        Array.Fill(modelLabel, -1);
        foreach (var m in model)
        {
            if (taskIndex.TryGetValue(m.Task, out var t))
            {
                (modelLabel[t], modelConfidence[t]) = (labelIndex[m.Label], m.Confidence);
            }
        }

        var audit = new bool[tasks.Count];
        for (var t = 0; t < tasks.Count; t++)
        {
            audit[t] = modelLabel[t] >= 0 && Draw(tasks[t]) < policy.AuditShare;
        }

        var state = new State(tasks.Count, workerNames.Count, k, queues, goldQueues, policy);

        // Round 0: the audit items, which calibrate the model for everything after.
        for (var t = 0; t < tasks.Count; t++)
        {
            if (audit[t])
            {
                state.Buy(t, isAudit: true);
            }
        }

        var calibration = ModelCalibration.None;
        var posterior = new double[k];
        var outOfAnswers = new bool[tasks.Count];
        var decisions = new OverlapDecision[tasks.Count];
        while (true)
        {
            calibration = Calibrate(state, modelLabel, modelConfidence, k);
            var asked = 0;
            for (var t = 0; t < tasks.Count; t++)
            {
                state.PosteriorOf(t, modelLabel[t], modelConfidence[t], calibration, posterior);
                decisions[t] = policy.Decide(posterior.Max(), state.AnswerCount(t), audit[t]);
                if (decisions[t] == OverlapDecision.AskForOneMore && !outOfAnswers[t])
                {
                    if (state.Buy(t, audit[t]))
                    {
                        asked++;
                    }
                    else
                    {
                        outOfAnswers[t] = true;
                    }
                }
            }

            if (asked == 0)
            {
                break;
            }
        }

        var results = new ReplayItem[tasks.Count];
        var (right, known, undecided, modelOnly) = (0, 0, 0, 0);
        for (var t = 0; t < tasks.Count; t++)
        {
            state.PosteriorOf(t, modelLabel[t], modelConfidence[t], calibration, posterior);
            var final = Posterior.ArgMax(posterior);
            var count = state.AnswerCount(t);
            var isUndecided = policy.Decide(final.HasLabel ? final.Confidence : 0, count, audit[t]) != OverlapDecision.Settled;
            var source = count == 0 ? (modelLabel[t] >= 0 ? "model" : "none") : "crowd";
            var label = final.HasLabel && (count > 0 || modelLabel[t] >= 0) ? labels[final.Label] : null;
            results[t] = new ReplayItem(tasks[t], label, label is null ? 0 : final.Confidence, source, count, isUndecided, audit[t]);
            undecided += isUndecided ? 1 : 0;
            modelOnly += source == "model" && !isUndecided ? 1 : 0;
            if (truth is not null && truth.TryGetValue(tasks[t], out var expected))
            {
                known++;
                right += label == expected ? 1 : 0;
            }
        }

        return new ReplayOutcome(tasks.Count, state.Bought, state.GoldBought, state.AuditBought, state.Discarded, modelOnly, undecided,
            state.BlockedCount, truth is null || known == 0 ? null : (double)right / known, calibration, results);
    }

    /// <summary>Calibration cases: every item the model labelled that has answers, each answer weighed by its worker's accuracy.</summary>
    private static ModelCalibration Calibrate(State state, int[] modelLabel, double[] modelConfidence, int k)
    {
        var cases = new List<CalibrationCase>();
        for (var t = 0; t < modelLabel.Length; t++)
        {
            if (modelLabel[t] >= 0 && state.AnswerCount(t) > 0)
            {
                var (labels, accuracies) = state.AnswersOf(t);
                cases.Add(new CalibrationCase(modelLabel[t], modelConfidence[t], labels, accuracies));
            }
        }

        return ModelCalibration.Fit(cases, k);
    }

    /// <summary>A stable draw in [0, 1) from an item's name: the same items are audited however often the replay runs.</summary>
    public static double Draw(string task)
    {
        var hash = 2166136261u;
        foreach (var c in task)
        {
            hash = (hash ^ c) * 16777619u;
        }

        hash ^= hash >> 15;
        hash *= 0x2c1b3c6du;
        hash ^= hash >> 12;
        return hash / 4294967296.0;
    }

    private sealed class State(int items, int workers, int k, List<(int Worker, int Label)>[] queues, List<bool>[] goldQueues, LabelPolicy policy)
    {
        private readonly int[] _next = new int[items];
        private readonly List<(int Worker, int Label)>[] _bought = Enumerable.Range(0, items).Select(_ => new List<(int, int)>()).ToArray();
        private readonly int[] _goldNext = new int[workers];
        private readonly int[] _goldCorrect = new int[workers];
        private readonly int[] _real = new int[workers];
        private readonly bool[] _blocked = new bool[workers];

        public int Bought { get; private set; }

        public int GoldBought { get; private set; }

        public int AuditBought { get; private set; }

        public int Discarded { get; private set; }

        public int BlockedCount => _blocked.Count(b => b);

        public int AnswerCount(int item) => _bought[item].Count;

        public double Accuracy(int worker) => WorkerPrior.Default.AccuracyFrom(_goldCorrect[worker], _goldNext[worker]);

        public (int[] Labels, double[] Accuracies) AnswersOf(int item) =>
            ([.. _bought[item].Select(a => a.Label)], [.. _bought[item].Select(a => Accuracy(a.Worker))]);

        public void PosteriorOf(int item, int modelLabel, double modelConfidence, ModelCalibration calibration, double[] posterior)
        {
            Span<double> prior = stackalloc double[k];
            if (modelLabel >= 0)
            {
                calibration.PriorOf(prior, modelLabel, modelConfidence);
            }
            else
            {
                prior.Fill(1.0 / k);
            }

            var (labels, accuracies) = AnswersOf(item);
            WeightedVote.PosteriorOf(posterior, prior, labels, accuracies);
        }

        /// <summary>Buys the item's next answer from a worker who may still answer; false when its recorded answers ran out.</summary>
        public bool Buy(int item, bool isAudit)
        {
            var queue = queues[item];
            while (_next[item] < queue.Count)
            {
                var (worker, label) = queue[_next[item]++];
                if (_blocked[worker])
                {
                    continue;
                }

                // The checks the gold rate gives this worker before this task.
                while (!_blocked[worker] && _goldNext[worker] < goldQueues[worker].Count && policy.NeedsGold(_goldNext[worker], _real[worker]))
                {
                    _goldCorrect[worker] += goldQueues[worker][_goldNext[worker]++] ? 1 : 0;
                    (Bought, GoldBought) = (Bought + 1, GoldBought + 1);
                    if (policy.Blocks(_goldNext[worker], _goldCorrect[worker]))
                    {
                        Block(worker);
                    }
                }

                if (_blocked[worker])
                {
                    continue;
                }

                _bought[item].Add((worker, label));
                _real[worker]++;
                Bought++;
                AuditBought += isAudit ? 1 : 0;
                return true;
            }

            return false;
        }

        private void Block(int worker)
        {
            _blocked[worker] = true;
            foreach (var answers in _bought)
            {
                Discarded += answers.RemoveAll(a => a.Worker == worker);
            }
        }
    }
}
