using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Review.Batches;
using LabelPlatform.Review.Disputes;
using LabelPlatform.Review.Verdicts;

namespace LabelPlatform.UnitTests.Review;

public class BatchDecisionTests
{
    private static readonly Guid Flagged = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();
    private static readonly Guid Disputed = Guid.NewGuid();

    private static readonly BatchMember[] Members =
    [
        new(Flagged, ReviewState.NeedsReview), new(Other, ReviewState.NeedsReview), new(Disputed, ReviewState.Disputed),
    ];

    [Fact]
    public void Decide_NothingRejected_ApprovesAllAndOverturnsTheDispute()
    {
        var outcomes = BatchDecision.Decide(Members, []).Value!;

        Assert.All(outcomes, o => Assert.Equal((ReviewDecisionKind.Approved, AssignmentStatus.Submitted, ReviewState.Approved, false), (o.Decision, o.Status, o.State, o.SlotBack)));
        Assert.Equal(DisputeOutcome.Overturned, outcomes.Single(o => o.AssignmentId == Disputed).Dispute);
        Assert.Null(outcomes.Single(o => o.AssignmentId == Flagged).Dispute);
    }

    [Fact]
    public void Decide_Rejected_SlotBackOnFirstRejectionOnly_DisputeUpheld()
    {
        var outcomes = BatchDecision.Decide(Members, [new(Flagged, "  Wrong label "), new(Disputed, "Wrong label")]).Value!.ToDictionary(o => o.AssignmentId);

        Assert.Equal((ReviewDecisionKind.Rejected, "Wrong label", AssignmentStatus.Rejected, ReviewState.Rejected, true), (outcomes[Flagged].Decision, outcomes[Flagged].Reason, outcomes[Flagged].Status, outcomes[Flagged].State, outcomes[Flagged].SlotBack));
        Assert.Equal((ReviewState.Rejected, false, DisputeOutcome.Upheld), (outcomes[Disputed].State, outcomes[Disputed].SlotBack, outcomes[Disputed].Dispute));
        Assert.Equal(ReviewState.Approved, outcomes[Other].State);
    }

    [Fact]
    public void Decide_SubmissionNotInBatchOrNoReason_Invalid()
    {
        Assert.Equal("validation", BatchDecision.Decide(Members, [new(Guid.NewGuid(), "Wrong label")]).Error?.Code);
        Assert.Equal("validation", BatchDecision.Decide(Members, [new(Flagged, "  ")]).Error?.Code);
    }

    [Fact]
    public void Decide_LongReason_Shortened()
    {
        var outcome = BatchDecision.Decide(Members, [new(Flagged, new string('x', 1000))]).Value!.Single(o => o.AssignmentId == Flagged);

        Assert.Equal(ReviewDecision.MaxReasonLength, outcome.Reason!.Length);
    }
}
