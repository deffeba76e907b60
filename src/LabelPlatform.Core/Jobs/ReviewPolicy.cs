namespace LabelPlatform.Jobs;

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
