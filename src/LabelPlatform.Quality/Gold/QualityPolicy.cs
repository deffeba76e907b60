using System.Text.Json;
using LabelPlatform.Quality.Aggregation;

namespace LabelPlatform.Quality.Gold;

/// <summary>How a job's answers become final labels.</summary>
public enum AggregationMethod
{
    /// <summary>Most answers win; a tie has no label (ADR 0003).</summary>
    MajorityVote,

    /// <summary>Votes weighted by each worker's accuracy on gold.</summary>
    WeightedVote,

    /// <summary>Each worker's confusion between labels estimated from all answers (EM), then the most probable label.</summary>
    DawidSkene,
}

/// <summary>
/// How a job checks its workers with gold items (items whose answer the researcher knows).
/// Stored as the jobs.quality_policy JSON; the claim and submit SQL read the same names.
/// </summary>
/// <param name="GoldRate">Share of a worker's claims that are gold, once they have <paramref name="MinGoldAnswers"/> gold answers.</param>
/// <param name="NewWorkerGoldRate">Share for workers with fewer gold answers: new workers are checked more often.</param>
/// <param name="MinAccuracy">A worker whose estimated accuracy falls below this (after <paramref name="MinGoldAnswers"/>) is blocked; 0 never blocks.</param>
/// <param name="MinGoldAnswers">Gold answers behind an estimate before it can block anyone.</param>
/// <param name="Feedback">Show workers the checks they missed (their answer, the known one and the researcher's explanation), never at once and never with the item: with their delayed accuracy (<see cref="WorkerFeedback"/>).</param>
/// <param name="QualificationItems">Gold items a worker must answer before any real item; 0: no test.</param>
/// <param name="QualificationPass">Share of the test a worker must get right.</param>
/// <param name="Aggregation">How answers become an item's final label.</param>
/// <param name="MaxAnswersPerItem">Dynamic overlap: items start with the job's answers per item and get one more at a time, up to this, while their final label is less sure than <paramref name="TargetConfidence"/>; 0 (or the job's answers per item) keeps overlap fixed.</param>
/// <param name="TargetConfidence">The final label's confidence that settles an item under dynamic overlap.</param>
/// <param name="ReviewBelowAccuracy">Answers of workers estimated below this accuracy (after <paramref name="MinGoldAnswers"/>) go to a reviewer; 0: none.</param>
/// <param name="GoldRetireAfter">A gold item is handed to at most this many workers, then retired (answers shared between workers stop paying off); 0: never retired.</param>
public sealed record QualityPolicy(
    double GoldRate,
    double NewWorkerGoldRate,
    double MinAccuracy,
    int MinGoldAnswers,
    bool Feedback,
    int QualificationItems,
    double QualificationPass,
    AggregationMethod Aggregation = AggregationMethod.MajorityVote,
    int MaxAnswersPerItem = 0,
    double TargetConfidence = 0.99,
    double ReviewBelowAccuracy = 0,
    int GoldRetireAfter = QualityPolicy.DefaultGoldRetireAfter)
{
    public const int DefaultGoldRetireAfter = 50;

    /// <summary>Share of the items the model could settle alone that people label anyway, to calibrate and measure it.</summary>
    public const double DefaultAuditShare = 0.03;

    /// <summary>
    /// A new job's settings, chosen by replaying a simulated crowd and model (bench/run.sh aggregate, ADR 0015): gold on 5% of
    /// an established worker's tasks and half of a newcomer's first eight, workers below 70% on it blocked after 4, answers
    /// weighed by each worker's accuracy with the calibrated model as the first voter, and one more answer at a time, up to
    /// 5, until the label is 99% sure.
    /// </summary>
    public static readonly QualityPolicy Default = new(0.05, 0.5, 0.7, 4, false, 0, 0.8, AggregationMethod.WeightedVote, 5, 0.99);

    /// <summary>
    /// Fixed overlap: every item gets exactly the job's answers per item, majority vote decides, gold (if any) on 10% of
    /// tasks (30% for newcomers) and nobody blocked. What the platform did before ADR 0015, and what Mechanical Turk-style
    /// jobs expect; items below <see cref="TargetConfidence"/> with all their answers in are still marked undecided.
    /// </summary>
    public static readonly QualityPolicy FixedOverlap = new(0.1, 0.3, 0, 5, false, 0, 0.8, AggregationMethod.MajorityVote, 0, 0.9);

    /// <summary>Whether items may get more answers than the job's answers per item.</summary>
    public bool IsDynamic(int answersPerItem) => MaxAnswersPerItem > answersPerItem;


    public string ToJson() => JsonSerializer.Serialize(this);

    public static QualityPolicy FromJson(string? json) =>
        string.IsNullOrEmpty(json) ? Default : JsonSerializer.Deserialize<QualityPolicy>(json) ?? Default;

    public string? Problem() =>
        GoldRate is < 0 or > 1 || NewWorkerGoldRate is < 0 or > 1 ? "Gold rates are shares between 0 and 1 (0.1: one item in ten is gold)."
        : MinAccuracy is < 0 or > 1 ? "The minimum accuracy is between 0 and 1 (0 blocks nobody)."
        : MinGoldAnswers is < 1 or > 1000 ? "Gold answers before blocking: between 1 and 1000."
        : QualificationItems is < 0 or > 100 ? "The qualification test has between 0 and 100 gold items."
        : QualificationPass is < 0 or > 1 ? "The pass mark is a share between 0 and 1 (0.8: 8 of 10 right)."
        : MaxAnswersPerItem is < 0 or > 20 ? "The most answers per item is between 0 (fixed overlap) and 20."
        : TargetConfidence is <= 0 or > 1 ? "The target confidence is above 0 and at most 1."
        : ReviewBelowAccuracy is < 0 or > 1 ? "The review threshold is an accuracy between 0 and 1 (0 sends nobody's answers to review)."
        : GoldRetireAfter is < 0 or > 100_000 ? "Retire a gold item after between 1 and 100000 workers (0: never)."
        : null;

    /// <summary>Whether a gold item shown to this many workers is still handed out.</summary>
    public bool IsLive(int goldShown) => GoldRetireAfter == 0 || goldShown < GoldRetireAfter;

    /// <summary>
    /// Whether the researcher should add gold: fewer live items than the qualification test needs
    /// (plus five), or under a fifth of the pool left.
    /// </summary>
    public bool GoldPoolLow(int live, int total) =>
        total > 0 && GoldRetireAfter > 0 && (live < QualificationItems + 5 || live * 5 < total);

    /// <summary>The share of claims that are gold for a worker with this many gold answers in the job.</summary>
    public double RateFor(int goldAnswers) =>
        goldAnswers < QualificationItems ? 1 : goldAnswers < MinGoldAnswers ? NewWorkerGoldRate : GoldRate;

    /// <summary>Whether a worker's answers go to a reviewer because of their record on gold.</summary>
    public bool SendsToReviewer(int goldAnswers, int goldCorrect) =>
        ReviewBelowAccuracy > 0 && goldAnswers >= MinGoldAnswers && Accuracy(goldAnswers, goldCorrect) < ReviewBelowAccuracy;

    /// <summary>The posterior mean of a worker's accuracy under the platform's one worker prior (<see cref="WorkerPrior.Default"/>).</summary>
    public static double Accuracy(int goldAnswers, int goldCorrect) => WorkerPrior.Default.AccuracyFrom(goldCorrect, goldAnswers);

    private static string Percent(double share) => $"{share * 100:0}%";

    /// <summary>Why a worker with these gold results is blocked from the job, or null when they may go on.</summary>
    public string? BlockReason(int goldAnswers, int goldCorrect)
    {
        if (QualificationItems > 0 && goldAnswers >= QualificationItems && goldAnswers - goldCorrect > QualificationItems - Math.Ceiling(QualificationPass * QualificationItems))
        {
            return $"failed the qualification test ({goldCorrect} of {goldAnswers} right; {Math.Ceiling(QualificationPass * QualificationItems)} of {QualificationItems} needed)";
        }

        if (MinAccuracy > 0 && goldAnswers >= MinGoldAnswers && Accuracy(goldAnswers, goldCorrect) < MinAccuracy)
        {
            return $"accuracy on checks {Percent(Accuracy(goldAnswers, goldCorrect))} after {goldAnswers} gold answers, below the job's {Percent(MinAccuracy)}";
        }

        return null;
    }
}
