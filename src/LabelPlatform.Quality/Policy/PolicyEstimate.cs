using System.Collections.Concurrent;
using LabelPlatform.Quality.Aggregation.Simulation;

namespace LabelPlatform.Quality.Policy;

/// <summary>What a policy is expected to cost and get right, from a replay on a simulated job (a crowd of good, mediocre and spamming workers and a miscalibrated model).</summary>
/// <param name="AnswersPerItem">Answers bought per item (gold and audit included) with a model pre-filter in front.</param>
/// <param name="Accuracy">Share of items labelled right with the model.</param>
/// <param name="AnswersPerItemWithoutModel">The same without a model: every item to people.</param>
/// <param name="AccuracyWithoutModel">Share right without a model.</param>
/// <param name="UndecidedShare">Share of items left for reviewers (with the model).</param>
public sealed record PolicyEstimate(double AnswersPerItem, double Accuracy, double AnswersPerItemWithoutModel, double AccuracyWithoutModel, double UndecidedShare)
{
    private const int Items = 3000;
    private static readonly ConcurrentDictionary<(int Labels, LabelPolicy Policy), PolicyEstimate> Cache = new();

    /// <summary>
    /// Replays <paramref name="policy"/> on a simulated job with <paramref name="labelCount"/> labels (3,000 items, 300
    /// workers, the same seed every time, so the figures are stable); cached, as a form asks again on every change.
    /// </summary>
    public static PolicyEstimate For(int labelCount, LabelPolicy policy)
    {
        var labels = Math.Clamp(labelCount, 2, 26);
        return Cache.GetOrAdd((labels, policy), key =>
        {
            var job = SimulatedJob.Generate(Items, Items / 40, key.Labels, 300, Math.Min(6, key.Policy.MaxAnswers + 1), 40, seed: 2026);
            var withModel = Replay.Run(job.Answers, job.Model, job.Gold, job.Truth, key.Policy);
            var withoutModel = Replay.Run(job.Answers, [], job.Gold, job.Truth, key.Policy);
            return new PolicyEstimate(withModel.AnswersPerItem, withModel.Accuracy ?? 0, withoutModel.AnswersPerItem, withoutModel.Accuracy ?? 0,
                (double)withModel.Undecided / withModel.Items);
        });
    }
}
