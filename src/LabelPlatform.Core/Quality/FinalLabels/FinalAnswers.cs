using System.Text.Json;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Quality.Policy;

namespace LabelPlatform.Quality.FinalLabels;

/// <summary>One submitted answer as aggregation sees it.</summary>
public sealed record CrowdAnswer(Guid ItemId, string WorkerId, Answer Answer);

/// <summary>
/// An item as aggregation sees it: the model's label and raw confidence (from the pre-filter, if it ran),
/// whether the model settled it before launch (held for calibration) or drew it for the audit sample, and a
/// reviewer's decision on it when it was undecided.
/// </summary>
public sealed record AggregationItem(Guid Id, string? ModelLabel = null, double? ModelConfidence = null, bool MachineHeld = false, bool Audit = false,
    string? DecidedLabel = null, double DecidedAccuracy = 0);

/// <summary>Who an item's final answer comes from.</summary>
public static class FinalSource
{
    /// <summary>The model alone (its calibrated probability reached the job's target).</summary>
    public const string Model = "model";

    /// <summary>The workers' answers (with the model as the first voter where it ran).</summary>
    public const string Crowd = "crowd";

    /// <summary>A reviewer decided an item the crowd left undecided.</summary>
    public const string Reviewer = "reviewer";
}

/// <summary>Whether an item is done.</summary>
public static class FinalState
{
    /// <summary>As sure as the job asks (or decided by a reviewer).</summary>
    public const string Settled = "settled";

    /// <summary>The most answers allowed are in and it is still below the target: a reviewer decides.</summary>
    public const string Undecided = "undecided";
}

/// <summary>
/// An item's final answer, its posterior probability (one-label and multi-label jobs; agreement for box jobs),
/// who it comes from, whether it is settled or undecided (null: neither yet), and how many answers are behind it.
/// </summary>
public sealed record ItemFinal(Guid ItemId, Answer? Answer, string? Label, double Confidence, int Answers, string? Source = null, string? State = null);

/// <summary>The model's calibration on a job, as the job stores it and the dashboard draws it.</summary>
public sealed record JobCalibration(double A, double B, int Cases, bool Fitted, IReadOnlyList<ReliabilityBin> Bins)
{
    public string ToJson() => JsonSerializer.Serialize(this);

    public static JobCalibration? FromJson(string? json) => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize<JobCalibration>(json);
}

/// <summary>Everything a recompute decides about a job.</summary>
public sealed record JobFinals(IReadOnlyList<ItemFinal> Items, double? Agreement, JobCalibration? Calibration);

/// <summary>
/// Turns a job's answers into final answers (ADR 0015). One-label jobs: one posterior per item from the calibrated
/// model's view of it (the first voter, where a pre-filter ran) and the answers, each weighed by its worker's accuracy on
/// gold (the weighted vote), or by equal accuracies (majority vote), or by each worker's confusion matrix (Dawid–Skene);
/// a reviewer's decision on an undecided item counts as one more, well-checked answer. Multi-label jobs: a posterior per
/// label (in or out), the item as sure as its least sure label. Box jobs: the workers' boxes clustered, weighted by
/// accuracy, as sure as the weakest agreement. Every item is then settled (as sure as the job's target), undecided (at the
/// most answers allowed and still below it) or neither yet. Pure: the caller loads and stores.
/// </summary>
public static class FinalAnswers
{
    /// <summary>A worker without gold answers counts as this accurate in a weighted vote: the platform's one worker prior.</summary>
    public static double UnknownAccuracy => WorkerPrior.Default.Mean;

    public static JobFinals Compute(
        Job job, IReadOnlyList<AggregationItem> items, IReadOnlyList<CrowdAnswer> answers, IReadOnlyDictionary<string, (int Answers, int Correct)> gold)
    {
        var byItem = answers.ToLookup(a => a.ItemId);
        double Accuracy(string worker) => gold.TryGetValue(worker, out var g) ? QualityPolicy.Accuracy(g.Answers, g.Correct) : UnknownAccuracy;
        var policy = LabelPolicy.From(job.QualityPolicy, QualityPolicy.DefaultAuditShare, job.AnswersPerItem);

        if (job.Kind.DrawsBoxes())
        {
            return new([.. items.Select(i => State(policy, Boxes(i.Id, byItem[i.Id].ToList(), Accuracy)))], null, null);
        }

        if (job.Kind.AllowsManyLabels())
        {
            return new([.. items.Select(i => State(policy, ManyLabels(i.Id, byItem[i.Id].ToList(), job.Labels, Accuracy)))], null, null);
        }

        var builder = new AnswerSetBuilder<Guid, string>(job.Labels);
        foreach (var item in items)
        {
            builder.AddItem(item.Id);
        }

        foreach (var answer in answers)
        {
            if (answer.Answer.SingleLabel is { } label)
            {
                builder.Add(answer.ItemId, answer.WorkerId, label);
            }
        }

        var set = builder.Build();
        var k = job.Labels.Count;
        var accuracies = job.QualityPolicy.Aggregation == AggregationMethod.MajorityVote
            ? builder.Workers.Select(_ => UnknownAccuracy).ToArray()
            : builder.Workers.Select(Accuracy).ToArray();

        // The model's calibration: every item it labelled that people answered, each answer weighed by its worker.
        var cases = new List<CalibrationCase>();
        foreach (var item in items)
        {
            var index = builder.ItemIndex(item.Id);
            if (ModelIndex(job, item) is { } modelLabel && set.AnswerCountOf(index) > 0)
            {
                var workers = set.WorkersOf(index);
                cases.Add(new CalibrationCase(modelLabel, item.ModelConfidence!.Value, set.LabelsOf(index).ToArray(), [.. workers.ToArray().Select(w => accuracies[w])]));
            }
        }

        var hasModel = items.Any(i => ModelIndex(job, i) is not null);
        var calibration = hasModel ? ModelCalibration.Fit(cases, k) : ModelCalibration.None;
        var priors = new double[set.ItemCount * k];
        foreach (var item in items)
        {
            var row = priors.AsSpan(builder.ItemIndex(item.Id) * k, k);
            if (ModelIndex(job, item) is { } modelLabel)
            {
                calibration.PriorOf(row, modelLabel, item.ModelConfidence!.Value);
            }

            if (item.DecidedLabel is not null && job.Labels.IndexOf(item.DecidedLabel) is var decided and >= 0)
            {
                // The reviewer's decision: one more answer, from someone as accurate as their record on audits says.
                if (!row.ContainsAnyExcept(0.0))
                {
                    row.Fill(1.0 / k);
                }

                var a = Math.Clamp(item.DecidedAccuracy, 0.5, 0.999);
                for (var label = 0; label < k; label++)
                {
                    row[label] *= label == decided ? a : (1 - a) / (k - 1);
                }
            }
        }

        IReadOnlyList<FinalLabel> finals = job.QualityPolicy.Aggregation == AggregationMethod.DawidSkene && set.Count > 0
            ? DawidSkene.Run(set, itemPriors: priors).Labels
            : WeightedVote.Decide(set, accuracies, priors);

        var results = items.Select(item =>
        {
            var index = builder.ItemIndex(item.Id);
            var final = finals[index];
            var label = builder.LabelOf(final);
            var count = set.AnswerCountOf(index);
            var source = item.DecidedLabel is not null ? FinalSource.Reviewer
                : label is null ? null
                : count > 0 ? FinalSource.Crowd
                : ModelIndex(job, item) is not null ? FinalSource.Model
                : null;
            var result = new ItemFinal(item.Id, label is null ? null : Answer.OneLabel(label), label, final.HasLabel ? final.Confidence : 0, count, source);
            return item.DecidedLabel is not null ? result with { State = FinalState.Settled }
                : item.MachineHeld && count == 0 && !calibration.IsFitted ? result
                : State(policy, result, item.Audit);
        }).ToList();
        var stored = hasModel ? new JobCalibration(calibration.A, calibration.B, calibration.Cases, calibration.IsFitted, calibration.Reliability(cases, k)) : null;
        return new(results, KrippendorffAlpha.Nominal(set), stored);
    }

    /// <summary>Settled, undecided or open, by the labelling policy's own rule (the one the replay applies).</summary>
    private static ItemFinal State(LabelPolicy policy, ItemFinal item, bool audit = false) =>
        policy.Decide(item.Answer is null ? 0 : item.Confidence, item.Answers, audit) switch
        {
            OverlapDecision.Settled => item with { State = FinalState.Settled },
            OverlapDecision.Exhausted => item with { State = FinalState.Undecided },
            _ => item,
        };

    private static int? ModelIndex(Job job, AggregationItem item) =>
        item.ModelLabel is not null && item.ModelConfidence is not null && job.Labels.IndexOf(item.ModelLabel) is var i and >= 0 ? i : null;

    private static ItemFinal ManyLabels(Guid itemId, List<CrowdAnswer> answers, IReadOnlyList<string> labels, Func<string, double> accuracy)
    {
        if (answers.Count == 0)
        {
            return new ItemFinal(itemId, null, null, 0, 0);
        }

        // Each label is its own yes/no question, each worker as accurate on it as on gold; the set is as sure as its least sure label.
        var accuracies = answers.Select(a => accuracy(a.WorkerId)).ToArray();
        Span<double> posterior = stackalloc double[2];
        var chosen = new List<string>();
        var confidence = 1.0;
        foreach (var label in labels)
        {
            var votes = answers.Select(a => a.Answer.Labels.Contains(label) ? 1 : 0).ToArray();
            WeightedVote.PosteriorOf(posterior, [], votes, accuracies);
            if (posterior[1] > posterior[0])
            {
                chosen.Add(label);
            }

            confidence = Math.Min(confidence, Math.Max(posterior[0], posterior[1]));
        }

        return new ItemFinal(itemId, Answer.ManyLabels(chosen), null, confidence, answers.Count, FinalSource.Crowd);
    }

    private static ItemFinal Boxes(Guid itemId, List<CrowdAnswer> answers, Func<string, double> accuracy)
    {
        if (answers.Count == 0)
        {
            return new ItemFinal(itemId, null, null, 0, 0);
        }

        var workers = answers.Select((a, i) => new WorkerBoxes(i, accuracy(a.WorkerId), a.Answer.Boxes)).ToList();
        var quorum = Math.Max(1, (answers.Count + 1) / 2);
        var boxes = BoxConsolidation.Consolidate(workers, new BoxConsolidationOptions(Quorum: quorum));
        var final = Answer.WithBoxes(boxes.Select(b => new BoundingBox(b.Label, Math.Round(b.X, 1), Math.Round(b.Y, 1), Math.Round(b.W, 1), Math.Round(b.H, 1))));

        // Agreement, not a probability: the weighted share of workers behind the least supported box (or behind "no boxes").
        // One answer agrees with itself: it counts for no more than its worker's accuracy, as one answer does on a label.
        var agreement = boxes.Count == 0
            ? workers.Where(w => w.Boxes.Count == 0).Sum(w => w.Weight) / workers.Sum(w => w.Weight)
            : boxes.Min(b => b.Confidence);
        if (workers.Count == 1)
        {
            agreement = Math.Min(agreement, workers[0].Weight);
        }

        return new ItemFinal(itemId, final, null, agreement, answers.Count, FinalSource.Crowd);
    }
}
