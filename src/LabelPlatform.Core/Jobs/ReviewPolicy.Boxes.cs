using System.Globalization;
using LabelPlatform.Labelling;

namespace LabelPlatform.Jobs;

/// <summary>
/// Box jobs: the worker's boxes are matched to the model's (<see cref="BoxMatching"/>), and precision
/// and recall against the model decide. Settings missing from JSON written before they existed take
/// the defaults below.
/// </summary>
public sealed partial record ReviewPolicy
{
    /// <summary>A worker's box and a model's box of the same label are the same object at this IoU or more.</summary>
    public float MatchIou { get; init; } = 0.5f;

    /// <summary>Accept when at least this share of the worker's boxes match one of the model's…</summary>
    public float MinPrecision { get; init; } = 0.9f;

    /// <summary>…and the worker found at least this share of the model's boxes.</summary>
    public float MinRecall { get; init; } = 0.9f;

    /// <summary>
    /// Precision or recall below this is a clear disagreement: a reviewer decides, or the model rejects
    /// when the job lets it. Between this and the accept minimums the model partly agrees ("unsure").
    /// </summary>
    public float DisagreeBelow { get; init; } = 0.5f;

    /// <summary>
    /// Precision and recall at or above the minimums → accepted (except the audit share); either below
    /// <see cref="DisagreeBelow"/> → a reviewer (or rejected, only if the job allows it); in between →
    /// a reviewer, or accepted when the job accepts answers the model is unsure about.
    /// </summary>
    public (ReviewState Outcome, string Reason) DecideBoxes(BoxComparison boxes, bool drawnForAudit)
    {
        var summary = Summary(boxes);
        if (boxes.Precision >= MinPrecision && boxes.Recall >= MinRecall)
        {
            return drawnForAudit ? (ReviewState.NeedsReview, $"audit sample (model agrees: {summary})") : (ReviewState.Accepted, $"model agrees: {summary}");
        }

        if (boxes.Precision < DisagreeBelow || boxes.Recall < DisagreeBelow)
        {
            return (ModelMayReject ? ReviewState.Rejected : ReviewState.NeedsReview, $"model disagrees: {summary}");
        }

        return AcceptWhenUnsure
            ? (ReviewState.Accepted, $"model partly agrees: {summary}; the job accepts these")
            : (ReviewState.NeedsReview, $"model partly agrees: {summary}");
    }

    /// <summary>The problem with the box settings, or null when they make sense.</summary>
    public string? BoxSettingsProblem()
    {
        if (MatchIou is <= 0 or > 1)
        {
            return "The match IoU is above 0 and at most 1 (0.5 is usual).";
        }

        if (MinPrecision is < 0 or > 1 || MinRecall is < 0 or > 1 || DisagreeBelow is < 0 or > 1)
        {
            return "Precision and recall thresholds are between 0 and 1.";
        }

        return DisagreeBelow > Math.Min(MinPrecision, MinRecall)
            ? "The disagreement floor must not be above the precision and recall needed to accept."
            : null;
    }

    /// <summary>"3 of 3 boxes matched (IoU ≥ 0.50)", "2 of 3 worker boxes matched (IoU ≥ 0.50); model finds 1 box the worker missed; 1 worker box unmatched".</summary>
    private static string Summary(BoxComparison boxes)
    {
        var iou = boxes.MatchIou.ToString("0.00", CultureInfo.InvariantCulture);
        var (matched, missed, unmatched) = (boxes.Matches.Count, boxes.Missed.Count, boxes.UnmatchedWorker.Count);
        if (boxes.WorkerCount == 0 && boxes.ModelCount == 0)
        {
            return "no boxes on either side";
        }

        if (missed == 0 && unmatched == 0)
        {
            return $"{matched} of {matched} {Boxes(matched)} matched (IoU ≥ {iou})";
        }

        var parts = new List<string>();
        if (boxes.WorkerCount > 0)
        {
            parts.Add($"{matched} of {boxes.WorkerCount} worker {Boxes(boxes.WorkerCount)} matched (IoU ≥ {iou})");
        }

        parts.Add(missed > 0 ? $"model finds {missed} {Boxes(missed)} the worker missed" : boxes.ModelCount == 0 ? "model finds no boxes" : "");
        if (unmatched > 0)
        {
            parts.Add($"{unmatched} worker {Boxes(unmatched)} unmatched");
        }

        return string.Join("; ", parts.Where(p => p.Length > 0));
    }

    private static string Boxes(int count) => count == 1 ? "box" : "boxes";
}
