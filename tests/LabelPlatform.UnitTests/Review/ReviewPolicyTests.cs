using LabelPlatform.Jobs;
using LabelPlatform.Review.Verdicts;

namespace LabelPlatform.UnitTests.Review;

public class ReviewPolicyTests
{
    private static readonly ReviewPolicy Policy = ReviewPolicy.Default;

    [Theory]
    [InlineData("7", "7", 0.95f, false, ReviewState.Accepted, "model agrees (0.95)")]
    [InlineData("7", "7", 0.95f, true, ReviewState.NeedsReview, "audit sample (model agrees, 0.95)")]
    [InlineData("7", "1", 0.97f, false, ReviewState.NeedsReview, "model says 1 (0.97)")]
    [InlineData("7", "7", 0.60f, false, ReviewState.NeedsReview, "model unsure (7, 0.60)")]
    [InlineData("7", "1", 0.60f, false, ReviewState.NeedsReview, "model unsure (1, 0.60)")]
    [InlineData("7", null, 0.99f, false, ReviewState.NeedsReview, "model unsure (no class of this job, 0.99)")]
    public void Decide_DefaultPolicy_NeverRejectsOnItsOwn(string worker, string? model, float confidence, bool audit, ReviewState outcome, string reason) =>
        Assert.Equal((outcome, reason), Policy.Decide(worker, model, confidence, audit));

    [Fact]
    public void Decide_JobLetsTheModelRejectAndAcceptUnsure_DoesSo()
    {
        var policy = Policy with { ModelMayReject = true, AcceptWhenUnsure = true };

        Assert.Equal(ReviewState.Rejected, policy.Decide("7", "1", 0.97f, false).Outcome);
        Assert.Equal(ReviewState.Accepted, policy.Decide("7", "1", 0.5f, false).Outcome);
    }

    [Fact]
    public void DrawsForAudit_ManyAssignments_AboutTheShareAndTheSameEachTime()
    {
        var ids = Enumerable.Range(0, 20_000).Select(_ => Guid.NewGuid()).ToList();

        var drawn = ids.Count(Policy.DrawsForAudit);

        Assert.InRange(drawn, 850, 1150);
        Assert.All(ids.Take(100), id => Assert.Equal(Policy.DrawsForAudit(id), Policy.DrawsForAudit(id)));
        Assert.Equal(0, ids.Count((Policy with { AuditShare = 0 }).DrawsForAudit));
    }
}
