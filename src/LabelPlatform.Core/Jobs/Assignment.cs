using LabelPlatform.Common;
using LabelPlatform.Labelling;

namespace LabelPlatform.Jobs;

public enum AssignmentStatus
{
    Leased,
    Submitted,
    Expired,
    Skipped,

    /// <summary>The worker was blocked from the job while the answer waited for review: it no longer counts and its slot went back.</summary>
    Discarded,

    /// <summary>A reviewer (or the model, where the job allows) rejected the submitted answer: the slot went back to the queue and the answer no longer counts.</summary>
    Rejected,
}

/// <summary>One worker's turn at one item: leased, then submitted or returned.</summary>
public sealed class Assignment
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public Guid ItemId { get; set; }

    public string WorkerId { get; set; } = "";

    public AssignmentStatus Status { get; set; }

    public DateTimeOffset LeasedAt { get; set; }

    public DateTimeOffset LeaseExpiresAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>The label of a one-label answer (single-label jobs), kept beside the JSON for votes and exports.</summary>
    public string? Label { get; set; }

    /// <summary>The whole answer as JSON (<see cref="Labelling.Answer"/>): labels or boxes.</summary>
    public string? AnswerJson { get; set; }

    /// <summary>Where the answer stands with the job's review model; null when the job has none.</summary>
    public LabelPlatform.Jobs.ReviewState? ReviewState { get; set; }

    /// <summary>The reviewer's batch this submission is in (see <see cref="Review.Batches.ReviewBatch"/>), or was decided in.</summary>
    public Guid? ReviewBatchId { get; set; }

    /// <summary>Why the worker skipped the item, when they did.</summary>
    public string? SkipReason { get; set; }

    /// <summary>Gold items only: whether the answer matched the known answer (scored in the submit transaction).</summary>
    public bool? GoldCorrect { get; set; }

    public static readonly Error LeaseExpired = new("lease_expired", "Your time on this item ran out and it went back to the queue. Take the next one.");

    /// <summary>Records the worker's answer if the lease is still theirs and live.</summary>
    public Error? Submit(Answer answer, DateTimeOffset now)
    {
        if (Status == AssignmentStatus.Submitted)
        {
            return answer.SameAs(Answer.FromJson(AnswerJson)) ? null : Error.Conflict("This item was already submitted with a different answer.");
        }

        if (Status != AssignmentStatus.Leased)
        {
            return LeaseExpired;
        }

        if (now > LeaseExpiresAt)
        {
            Status = AssignmentStatus.Expired;
            return LeaseExpired;
        }

        Status = AssignmentStatus.Submitted;
        Label = answer.SingleLabel;
        AnswerJson = answer.ToJson();
        SubmittedAt = now;
        return null;
    }
}
