namespace LabelPlatform.Jobs;

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
