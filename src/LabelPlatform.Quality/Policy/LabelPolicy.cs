using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Gold;

namespace LabelPlatform.Quality.Policy;

/// <summary>
/// The part of a job's settings that decides which answers it buys, in one place so the server, the
/// <c>labelplatform replay</c> tool and the benchmark apply the same rule (ADR 0015):
/// an item's posterior starts from the calibrated model (the first voter) and takes in each answer weighed by its
/// worker's accuracy on gold; the item is settled once its top label reaches <see cref="TargetConfidence"/>, and
/// goes to a reviewer as undecided at <see cref="MaxAnswers"/> without reaching it.
/// </summary>
/// <param name="TargetConfidence">The posterior probability of the top label that settles an item.</param>
/// <param name="MaxAnswers">The most answers an item gets (gold and audit answers excluded).</param>
/// <param name="AuditShare">Share of the items the model could settle alone that people label anyway, blind to the model, to calibrate and measure it.</param>
/// <param name="GoldRate">Share of an established worker's tasks that are gold.</param>
/// <param name="NewWorkerGoldRate">The share for a worker with fewer than <paramref name="MinGoldAnswers"/> gold answers.</param>
/// <param name="MinAccuracy">A worker whose accuracy on gold falls below this after <paramref name="MinGoldAnswers"/> is blocked and their answers in the job discarded; 0 never blocks.</param>
/// <param name="MinGoldAnswers">Gold answers behind an accuracy before it can block anyone.</param>
/// <param name="MinAnswers">Answers an item the model did not settle gets before its posterior can settle it (the job's answers per item).</param>
public sealed record LabelPolicy(
    double TargetConfidence, int MaxAnswers, double AuditShare, double GoldRate, double NewWorkerGoldRate, double MinAccuracy, int MinGoldAnswers, int MinAnswers = 1)
{
    /// <summary>The answers per item a new job starts each item with.</summary>
    public const int DefaultAnswersPerItem = 1;

    /// <summary>The policy of a new job: <see cref="QualityPolicy.Default"/> with the default audit share and answers per item.</summary>
    public static LabelPolicy Default => From(QualityPolicy.Default, QualityPolicy.DefaultAuditShare, DefaultAnswersPerItem);

    public static LabelPolicy From(QualityPolicy quality, double auditShare, int answersPerItem) => new(
        quality.TargetConfidence, Math.Max(answersPerItem, quality.MaxAnswersPerItem), auditShare, quality.GoldRate, quality.NewWorkerGoldRate,
        quality.MinAccuracy, quality.MinGoldAnswers, answersPerItem);

    public string? Problem() =>
        TargetConfidence is <= 0 or >= 1 ? "The target confidence is a probability above 0 and below 1 (0.99: one label in a hundred wrong)."
        : MaxAnswers is < 1 or > 20 ? "The most answers per item is between 1 and 20."
        : AuditShare is < 0 or > 1 ? "The audit share is between 0 and 1."
        : GoldRate is < 0 or >= 1 || NewWorkerGoldRate is < 0 or >= 1 ? "Gold rates are shares from 0 up to (not including) 1."
        : MinAccuracy is < 0 or > 1 ? "The minimum accuracy is between 0 and 1."
        : MinGoldAnswers is < 1 or > 1000 ? "Gold answers before blocking: between 1 and 1000."
        : MinAnswers < 1 || MinAnswers > MaxAnswers ? "The answers an item starts with are at least 1 and at most the most answers per item."
        : null;

    /// <summary>Whether a worker with this record gets a gold task before their next real one.</summary>
    public bool NeedsGold(int goldAnswers, int realAnswers)
    {
        var rate = goldAnswers < MinGoldAnswers ? NewWorkerGoldRate : GoldRate;
        return goldAnswers < rate * (goldAnswers + realAnswers + 1);
    }

    public bool Blocks(int goldAnswers, int goldCorrect) =>
        MinAccuracy > 0 && goldAnswers >= MinGoldAnswers && WorkerPrior.Default.AccuracyFrom(goldCorrect, goldAnswers) < MinAccuracy;

    /// <summary>What an item with this posterior and this many answers needs next.</summary>
    public OverlapDecision Decide(double topPosterior, int answers, bool audit) =>
        audit && answers == 0 ? OverlapDecision.AskForOneMore
        : topPosterior >= TargetConfidence && (answers == 0 || answers >= MinAnswers) ? OverlapDecision.Settled
        : answers >= MaxAnswers ? OverlapDecision.Exhausted
        : OverlapDecision.AskForOneMore;
}
