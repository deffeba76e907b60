using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Review.Verdicts;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Flagged;

/// <summary>Which flagged submissions to show: one job's or every job's, oldest first.</summary>
public sealed record FlaggedQuery(Guid? JobId = null, int Take = FlaggedSubmissions.DefaultTake);

/// <summary>A submission the model sent to a reviewer, with the model's verdict and evidence.</summary>
public sealed record FlaggedSubmission(
    Guid AssignmentId,
    Guid JobId,
    string JobName,
    Guid ItemId,
    string ItemName,
    string? WorkerLabel,
    string? AnswerJson,
    DateTimeOffset? SubmittedAt,
    string Reason,
    string? ModelLabel,
    float Confidence,
    int ModelVersion,
    string Evidence,
    DateTimeOffset JudgedAt);

/// <summary>A job with submissions waiting for a reviewer, and how many.</summary>
public sealed record FlaggedJob(Guid JobId, string JobName, int Flagged);

public sealed record FlaggedList(IReadOnlyList<FlaggedJob> Jobs, IReadOnlyList<FlaggedSubmission> Submissions);

/// <summary>
/// The reviewers' queue: submissions whose review state is NeedsReview (or Disputed), by job. Reviewers and
/// admins only; nobody is shown their own answers (a reviewer may also label as a worker).
/// </summary>
public sealed class FlaggedSubmissions(IDbContextFactory<AppDbContext> dbFactory)
{
    public const int DefaultTake = 50;
    public const int MaxTake = 200;

    public async Task<Result<FlaggedList>> HandleAsync(ClaimsPrincipal user, FlaggedQuery query, CancellationToken ct = default)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || !(user.IsInRole(Roles.Reviewer) || user.IsInRole(Roles.Admin)))
        {
            return Error.Forbidden("Only reviewers see flagged submissions.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var flagged = db.Assignments.Where(a => (a.ReviewState == ReviewState.NeedsReview || a.ReviewState == ReviewState.Disputed) && a.WorkerId != userId);
        var jobs = await (
                from g in flagged.GroupBy(a => a.JobId).Select(g => new { JobId = g.Key, Count = g.Count() })
                join j in db.Jobs on g.JobId equals j.Id
                orderby j.Name, j.Id
                select new FlaggedJob(j.Id, j.Name, g.Count))
            .ToListAsync(ct);

        var jobId = query.JobId;
        var submissions = await (
                from a in flagged
                where jobId == null || a.JobId == jobId
                join v in db.Verdicts on a.Id equals v.AssignmentId
                join i in db.Items on a.ItemId equals i.Id
                join j in db.Jobs on a.JobId equals j.Id
                orderby a.SubmittedAt, a.Id
                select new FlaggedSubmission(
                    a.Id, j.Id, j.Name, i.Id, i.SourceName, a.Label, a.AnswerJson, a.SubmittedAt, v.Reason, v.ModelLabel, v.Confidence, v.ModelVersion, v.Evidence, v.CreatedAt))
            .AsNoTracking()
            .Take(Math.Clamp(query.Take, 1, MaxTake))
            .ToListAsync(ct);
        return new FlaggedList(jobs, submissions);
    }
}
