namespace LabelPlatform.Review.Batches;

public enum ReviewBatchStatus
{
    /// <summary>A reviewer holds it until <see cref="ReviewBatch.LeaseExpiresAt"/>.</summary>
    Open,

    /// <summary>The reviewer decided it: every submission in it was approved or rejected.</summary>
    Decided,

    /// <summary>Its lease ran out undecided; its submissions went back to the reviewers' queue.</summary>
    Expired,
}

/// <summary>
/// Up to <c>Review:ReviewBatchSize</c> submissions of one job that one reviewer holds for a while;
/// the submissions point at it through <c>assignments.review_batch_id</c> while it is open.
/// </summary>
public sealed class ReviewBatch
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public string ReviewerId { get; set; } = "";

    public ReviewBatchStatus Status { get; set; }

    public DateTimeOffset LeaseExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }
}

public enum ReviewDecisionKind
{
    Approved,
    Rejected,
}

/// <summary>One reviewer's decision on one submission: the history behind its review state (a dispute adds a second one).</summary>
public sealed class ReviewDecision
{
    public const int MaxReasonLength = 300;

    public Guid Id { get; set; }

    public Guid AssignmentId { get; set; }

    public Guid? BatchId { get; set; }

    public string ReviewerId { get; set; } = "";

    public ReviewDecisionKind Decision { get; set; }

    /// <summary>Why it was rejected, as the worker reads it; null for an approval.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset DecidedAt { get; set; }
}
