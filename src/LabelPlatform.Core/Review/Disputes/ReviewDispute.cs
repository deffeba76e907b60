namespace LabelPlatform.Review.Disputes;

public enum DisputeOutcome
{
    /// <summary>Another reviewer looked again and kept the rejection.</summary>
    Upheld,

    /// <summary>Another reviewer looked again and approved the answer.</summary>
    Overturned,
}

/// <summary>A worker's objection to a rejection of their answer: at most one per answer.</summary>
public sealed class ReviewDispute
{
    public const int MaxNoteLength = 500;

    public Guid Id { get; set; }

    public Guid AssignmentId { get; set; }

    public string WorkerId { get; set; } = "";

    public string? Note { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DisputeOutcome? Outcome { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }
}
