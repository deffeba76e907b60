namespace LabelPlatform.Review.Verdicts;

/// <summary>Where a submission stands with the review model.</summary>
public enum ReviewState
{
    /// <summary>Waiting for the review worker.</summary>
    Pending,

    /// <summary>The model agrees with enough confidence: payable without a person.</summary>
    Accepted,

    /// <summary>A reviewer decides: the model disagrees, is unsure, or the answer was drawn for audit.</summary>
    NeedsReview,

    /// <summary>
    /// The model disagrees with enough confidence and the job lets it reject on its own, or a reviewer
    /// rejected it (see <c>review_decisions</c>): the slot went back to the queue.
    /// </summary>
    Rejected,

    /// <summary>A reviewer approved it: payable. Distinct from <see cref="Accepted"/>, the model's own acceptance.</summary>
    Approved,

    /// <summary>Rejected, and the worker disputes it: waits for a reviewer other than the one who rejected it.</summary>
    Disputed,
}

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

/// <summary>How a job turns the model's opinion into a verdict (box jobs: see the detection settings).</summary>
public sealed partial record ReviewPolicy(float AcceptConfidence, float FlagConfidence, bool AcceptWhenUnsure, float AuditShare, bool ModelMayReject)
{
    public static readonly ReviewPolicy Default = new(0.9f, 0.9f, false, 0.05f, false);

    /// <summary>The jobs.review_policy column's JSON, written by EF and read by the review worker's SQL.</summary>
    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this);

    public static ReviewPolicy FromJson(string json) => System.Text.Json.JsonSerializer.Deserialize<ReviewPolicy>(json) ?? Default;

    /// <summary>
    /// Agreement at or above the accept confidence → accepted (except the audit share); disagreement
    /// at or above the flag confidence → a reviewer (or rejected, only if the job allows it);
    /// anything else → a reviewer, or accepted when the job says so.
    /// </summary>
    public (ReviewState Outcome, string Reason) Decide(string workerLabel, string? modelLabel, float confidence, bool drawnForAudit)
    {
        var sure = confidence.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        if (modelLabel == workerLabel && confidence >= AcceptConfidence)
        {
            return drawnForAudit ? (ReviewState.NeedsReview, $"audit sample (model agrees, {sure})") : (ReviewState.Accepted, $"model agrees ({sure})");
        }

        if (modelLabel is not null && modelLabel != workerLabel && confidence >= FlagConfidence)
        {
            return ModelMayReject ? (ReviewState.Rejected, $"model says {modelLabel} ({sure})") : (ReviewState.NeedsReview, $"model says {modelLabel} ({sure})");
        }

        return AcceptWhenUnsure
            ? (ReviewState.Accepted, $"model unsure ({modelLabel ?? "no class of this job"}, {sure}); the job accepts these")
            : (ReviewState.NeedsReview, $"model unsure ({modelLabel ?? "no class of this job"}, {sure})");
    }

    /// <summary>Whether this submission is in the audit share: fixed per assignment, so a retried review draws the same.</summary>
    public bool DrawsForAudit(Guid assignmentId) => AuditSample.Draws(assignmentId, AuditShare);
}

/// <summary>A random sample fixed by id: the same id is always in or out, so a retried step draws the same.</summary>
public static class AuditSample
{
    public static bool Draws(Guid id, double share)
    {
        Span<byte> bytes = stackalloc byte[16];
        id.TryWriteBytes(bytes);
        var draw = BitConverter.ToUInt32(System.Security.Cryptography.SHA256.HashData(bytes)) / (double)uint.MaxValue;
        return draw < share;
    }
}
