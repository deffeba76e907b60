using LabelPlatform.Jobs;
namespace LabelPlatform.Review.Verdicts;


/// <summary>The review model's judgement of one submission, with the evidence reviewers see.</summary>
public sealed class Verdict
{
    public Guid Id { get; set; }

    public Guid AssignmentId { get; set; }

    public Guid JobId { get; set; }

    public Guid ModelId { get; set; }

    public int ModelVersion { get; set; }

    public ReviewState Outcome { get; set; }

    /// <summary>Why, in words a reviewer reads: "model agrees (0.97)", "model says 7 (0.93)", "audit sample".</summary>
    public string Reason { get; set; } = "";

    public string? ModelLabel { get; set; }

    /// <summary>
    /// Classification: the model's probability for <see cref="ModelLabel"/>. Detection (no model label):
    /// the agreement the decision turns on, the lower of the box precision and recall.
    /// </summary>
    public float Confidence { get; set; }

    /// <summary>
    /// JSON: the model's top classes with their probabilities, or for detection the matched boxes with
    /// their IoUs, the worker's unmatched boxes, the model's missed ones, precision and recall.
    /// </summary>
    public string Evidence { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }
}
