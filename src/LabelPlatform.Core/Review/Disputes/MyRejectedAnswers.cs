using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Review.Batches;
using LabelPlatform.Review.Verdicts;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Disputes;

/// <summary>
/// One of a worker's answers that was rejected, with why; <see cref="CanDispute"/> while no dispute
/// was raised. A dispute shows as open, upheld or overturned (then the answer counts as approved).
/// </summary>
public sealed record RejectedAnswer(
    Guid AssignmentId, Guid JobId, string JobName, Guid ItemId, string ItemName, string? Label, string? AnswerJson,
    string Reason, DateTimeOffset? RejectedAt, ReviewState State, DisputeOutcome? Dispute, bool Disputed, int OtherDeciders = 0)
{
    public bool CanDispute => State == ReviewState.Rejected && !Disputed;

    /// <summary>Where a dispute stands, in words that say who decides it and when.</summary>
    public string DisputeState => this switch
    {
        { Dispute: DisputeOutcome.Overturned } => "Disputed: another reviewer approved your answer.",
        { Dispute: DisputeOutcome.Upheld } => "Disputed: another reviewer kept the rejection.",
        { Disputed: true, OtherDeciders: > 0 } =>
            $"Disputed: waiting for a reviewer other than the one who rejected it ({OtherDeciders} can decide it). Reviewers get disputes before any other answer, so it is decided in the next batch one of them takes.",
        { Disputed: true } =>
            "Disputed: waiting. The only reviewer here is the one who rejected it, so it waits for a second reviewer or an admin; it comes first in their queue.",
        _ => "",
    };
}

/// <summary>A worker's rejected answers, newest first: by a reviewer (with their reason) or by the model (with its verdict's reason).</summary>
public sealed class MyRejectedAnswers(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int Take = 200;

    public async Task<IReadOnlyList<RejectedAnswer>> HandleAsync(string workerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await (
                from a in db.Assignments
                where a.WorkerId == workerId
                let rejection = db.ReviewDecisions.Where(d => d.AssignmentId == a.Id && d.Decision == ReviewDecisionKind.Rejected).OrderBy(d => d.DecidedAt).FirstOrDefault()
                let dispute = db.ReviewDisputes.FirstOrDefault(d => d.AssignmentId == a.Id)
                where a.ReviewState == ReviewState.Rejected || a.ReviewState == ReviewState.Disputed || dispute != null
                join j in db.Jobs on a.JobId equals j.Id
                join i in db.Items on a.ItemId equals i.Id
                let verdict = db.Verdicts.FirstOrDefault(v => v.AssignmentId == a.Id)
                select new
                {
                    a.Id,
                    a.JobId,
                    j.Name,
                    a.ItemId,
                    i.SourceName,
                    a.Label,
                    a.AnswerJson,
                    Reason = rejection != null ? rejection.Reason : verdict != null ? verdict.Reason : null,
                    RejectedAt = rejection != null ? rejection.DecidedAt : verdict != null ? verdict.CreatedAt : a.SubmittedAt,
                    State = a.ReviewState!.Value,
                    Outcome = dispute != null ? dispute.Outcome : null,
                    Disputed = dispute != null,
                    RejectedBy = rejection != null ? rejection.ReviewerId : null,
                })
            .AsNoTracking()
            .OrderByDescending(r => r.RejectedAt)
            .Take(Take)
            .ToListAsync(ct);
        // Who can decide a dispute: anyone who may review (reviewers and admins) but the one who rejected it.
        var deciders = rows.Any(r => r.Disputed && r.Outcome is null)
            ? await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
                .Where(x => x.Name == Accounts.Roles.Reviewer || x.Name == Accounts.Roles.Admin).Select(x => x.UserId).Distinct().ToListAsync(ct)
            : [];
        return rows.Select(r => new RejectedAnswer(
                r.Id, r.JobId, r.Name, r.ItemId, r.SourceName, r.Label, r.AnswerJson, r.Reason ?? "rejected", r.RejectedAt, r.State, r.Outcome, r.Disputed,
                deciders.Count(d => d != r.RejectedBy)))
            .ToList();
    }
}
