using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Review.Disputes;
using LabelPlatform.Review.Verdicts;

namespace LabelPlatform.Review.Batches;

/// <summary>A submission to reject, and why (one of the job's reasons or the reviewer's own words).</summary>
public sealed record Rejection(Guid AssignmentId, string Reason);

/// <summary>A submission in the batch as the decision finds it.</summary>
public sealed record BatchMember(Guid AssignmentId, ReviewState State);

/// <summary>
/// What deciding does to one submission. <see cref="SlotBack"/>: the item gets its slot back
/// (a first rejection only: a dispute's slot was returned when it was first rejected, and stays
/// returned if the dispute is overturned, so the item may end with one answer more than it asked for).
/// </summary>
public sealed record MemberOutcome(Guid AssignmentId, ReviewDecisionKind Decision, string? Reason, AssignmentStatus Status, ReviewState State, bool SlotBack, DisputeOutcome? Dispute);

/// <summary>The pure rule of a batch decision: every submission not rejected is approved.</summary>
public static class BatchDecision
{
    public static Result<IReadOnlyList<MemberOutcome>> Decide(IReadOnlyList<BatchMember> members, IReadOnlyList<Rejection> rejections)
    {
        var reasons = new Dictionary<Guid, string>();
        foreach (var rejection in rejections)
        {
            if (members.All(m => m.AssignmentId != rejection.AssignmentId))
            {
                return Error.Validation("Only submissions in this batch can be rejected with it.");
            }

            var reason = rejection.Reason?.Trim() ?? "";
            if (reason.Length == 0)
            {
                return Error.Validation("Every rejection needs a reason: the worker reads it.");
            }

            reasons[rejection.AssignmentId] = reason.Length > ReviewDecision.MaxReasonLength ? reason[..ReviewDecision.MaxReasonLength] : reason;
        }

        return members.Select(m =>
        {
            var disputed = m.State == ReviewState.Disputed;
            return reasons.TryGetValue(m.AssignmentId, out var reason)
                ? new MemberOutcome(m.AssignmentId, ReviewDecisionKind.Rejected, reason, AssignmentStatus.Rejected, ReviewState.Rejected, !disputed, disputed ? DisputeOutcome.Upheld : null)
                : new MemberOutcome(m.AssignmentId, ReviewDecisionKind.Approved, null, AssignmentStatus.Submitted, ReviewState.Approved, false, disputed ? DisputeOutcome.Overturned : null);
        }).ToList();
    }
}
