using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;

namespace LabelPlatform.UnitTests.Rules;

public class AssignmentTests
{
    private static readonly DateTimeOffset LeasedAt = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static Assignment Leased() => new()
    {
        Id = Guid.NewGuid(),
        Status = AssignmentStatus.Leased,
        LeasedAt = LeasedAt,
        LeaseExpiresAt = LeasedAt.AddMinutes(5),
    };

    [Fact]
    public void Submit_LiveLease_RecordsLabelAndTime()
    {
        var assignment = Leased();
        var now = LeasedAt.AddMinutes(2);

        var error = assignment.Submit(Answer.OneLabel("cat"), now);

        Assert.Null(error);
        Assert.Equal(AssignmentStatus.Submitted, assignment.Status);
        Assert.Equal("cat", assignment.Label);
        Assert.Equal(now, assignment.SubmittedAt);
    }

    [Fact]
    public void Submit_AtTheExpiryInstant_IsAccepted()
    {
        var assignment = Leased();

        Assert.Null(assignment.Submit(Answer.OneLabel("cat"), assignment.LeaseExpiresAt));
        Assert.Equal(AssignmentStatus.Submitted, assignment.Status);
    }

    [Fact]
    public void Submit_AfterLeaseExpired_ReturnsLeaseExpiredAndMarksExpired()
    {
        var assignment = Leased();

        var error = assignment.Submit(Answer.OneLabel("cat"), assignment.LeaseExpiresAt.AddSeconds(1));

        Assert.Equal(Assignment.LeaseExpired, error);
        Assert.Equal("lease_expired", error!.Code);
        Assert.Contains("ran out", error.Message);
        Assert.Equal(AssignmentStatus.Expired, assignment.Status);
        Assert.Null(assignment.Label);
        Assert.Null(assignment.SubmittedAt);
    }

    [Theory]
    [InlineData(AssignmentStatus.Expired)]
    [InlineData(AssignmentStatus.Skipped)]
    public void Submit_NoLongerLeased_ReturnsLeaseExpiredAndKeepsStatus(AssignmentStatus status)
    {
        var assignment = Leased();
        assignment.Status = status;

        var error = assignment.Submit(Answer.OneLabel("cat"), LeasedAt.AddMinutes(1));

        Assert.Equal(Assignment.LeaseExpired, error);
        Assert.Equal(status, assignment.Status);
        Assert.Null(assignment.Label);
    }

    [Fact]
    public void Submit_SameLabelAgain_IsAcceptedWithoutChangingTheAnswer()
    {
        var assignment = Leased();
        var firstAt = LeasedAt.AddMinutes(1);
        assignment.Submit(Answer.OneLabel("cat"), firstAt);

        var error = assignment.Submit(Answer.OneLabel("cat"), LeasedAt.AddMinutes(10));

        Assert.Null(error);
        Assert.Equal(AssignmentStatus.Submitted, assignment.Status);
        Assert.Equal("cat", assignment.Label);
        Assert.Equal(firstAt, assignment.SubmittedAt);
    }

    [Fact]
    public void Submit_DifferentLabelAgain_ReturnsConflictAndKeepsTheFirstAnswer()
    {
        var assignment = Leased();
        assignment.Submit(Answer.OneLabel("cat"), LeasedAt.AddMinutes(1));

        var error = assignment.Submit(Answer.OneLabel("dog"), LeasedAt.AddMinutes(2));

        Assert.NotNull(error);
        Assert.Equal("conflict", error.Code);
        Assert.Contains("different answer", error.Message);
        Assert.Equal("cat", assignment.Label);
    }
}
