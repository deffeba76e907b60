using System.Security.Claims;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Review.Flagged;
using LabelPlatform.Review.Verdicts;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Review.Batches;

/// <summary>Another worker's answer to the same item, for comparison (workers stay anonymous).</summary>
public sealed record OtherAnswer(string? Label, string? AnswerJson, AssignmentStatus Status, ReviewState? State);

/// <summary>One submission as the reviewer weighs it: the model's verdict and evidence, other answers to the item, and a dispute when there is one.</summary>
public sealed record ReviewCard(FlaggedSubmission Submission, ReviewState State, string? RejectedFor, string? DisputeNote, IReadOnlyList<OtherAnswer> Others);

public sealed record ReviewBatchView(
    Guid BatchId, Guid JobId, string JobName, ReviewBatchStatus Status, DateTimeOffset LeaseExpiresAt, IReadOnlyList<string> RejectionReasons, IReadOnlyList<ReviewCard> Cards);

/// <summary>A reviewer's batch with everything its cards show; only its reviewer may see it.</summary>
public sealed class LoadReviewBatch(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The batch this reviewer holds now, if any: the page shows it again after a reload.</summary>
    public async Task<Guid?> HeldAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (Reviewers.IdOf(user) is not { } reviewerId)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ReviewBatches.Where(b => b.ReviewerId == reviewerId && b.Status == ReviewBatchStatus.Open && b.LeaseExpiresAt > now)
            .Select(b => (Guid?)b.Id).FirstOrDefaultAsync(ct);
    }

    public async Task<Result<ReviewBatchView>> HandleAsync(ClaimsPrincipal user, Guid batchId, CancellationToken ct = default)
    {
        if (Reviewers.IdOf(user) is not { } reviewerId)
        {
            return Error.Forbidden("Only reviewers see review batches.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var batch = await db.ReviewBatches.AsNoTracking().SingleOrDefaultAsync(b => b.Id == batchId, ct);
        if (batch is null)
        {
            return Error.NotFound("The review batch");
        }

        if (batch.ReviewerId != reviewerId)
        {
            return Error.Forbidden("This batch belongs to another reviewer.");
        }

        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == batch.JobId).Select(j => new { j.Name, j.RejectionReasons, j.AnswersPerItem }).SingleAsync(ct);
        var rows = await (
                from a in db.Assignments
                where a.ReviewBatchId == batchId
                join i in db.Items on a.ItemId equals i.Id
                from v in db.Verdicts.Where(v => v.AssignmentId == a.Id).DefaultIfEmpty()
                select new
                {
                    Gold = i.GoldAnswer != null,
                    Submission = new FlaggedSubmission(
                        a.Id, batch.JobId, job.Name, i.Id, i.SourceName, a.Label, a.AnswerJson, a.SubmittedAt,
                        v == null ? "" : v.Reason, v == null ? null : v.ModelLabel, v == null ? 0 : v.Confidence, v == null ? 0 : v.ModelVersion,
                        v == null ? "{}" : v.Evidence, v == null ? a.SubmittedAt ?? batch.CreatedAt : v.CreatedAt),
                    a.ReviewState,
                    RejectedFor = db.ReviewDecisions.Where(d => d.AssignmentId == a.Id && d.Decision == ReviewDecisionKind.Rejected)
                        .OrderByDescending(d => d.DecidedAt).Select(d => d.Reason).FirstOrDefault(),
                    DisputeNote = db.ReviewDisputes.Where(d => d.AssignmentId == a.Id).Select(d => d.Note).FirstOrDefault(),
                })
            .AsNoTracking()
            .ToListAsync(ct);

        // A gold answer drawn only to check the reviewer shows as any other waiting for a person (its
        // settled state, and a dispute it may once have had, stay out of sight); cards come in an
        // order of the batch's own, disputes first, not by age (checks are older answers).
        var cardsIn = rows
            .Select(r => (Row: r, State: r.ReviewState is ReviewState.NeedsReview or ReviewState.Disputed ? r.ReviewState.Value : ReviewState.NeedsReview))
            .OrderBy(r => r.State != ReviewState.Disputed)
            .ThenBy(r => Convert.ToHexString(System.Security.Cryptography.MD5.HashData(batch.Id.ToByteArray().Concat(r.Row.Submission.AssignmentId.ToByteArray()).ToArray())), StringComparer.Ordinal)
            .ToList();
        var itemIds = rows.Select(r => r.Submission.ItemId).Distinct().ToList();
        var memberIds = rows.Select(r => r.Submission.AssignmentId).ToList();
        var others = (await db.Assignments.AsNoTracking()
                .Where(a => itemIds.Contains(a.ItemId) && !memberIds.Contains(a.Id) && (a.Status == AssignmentStatus.Submitted || a.Status == AssignmentStatus.Rejected))
                .OrderBy(a => a.SubmittedAt)
                .Select(a => new { a.ItemId, Answer = new OtherAnswer(a.Label, a.AnswerJson, a.Status, a.ReviewState) })
                .ToListAsync(ct))
            .ToLookup(o => o.ItemId, o => o.Answer);

        // A gold item has been answered by many workers; a real one by about the job's answers per
        // item. Its card shows no more other answers than a real item's would.
        var cards = cardsIn.Select(c => new ReviewCard(
                c.Row.Submission,
                c.State,
                c.State == ReviewState.Disputed ? c.Row.RejectedFor ?? (c.Row.Submission.Reason.Length > 0 ? $"rejected by the model: {c.Row.Submission.Reason}" : null) : null,
                c.State == ReviewState.Disputed ? c.Row.DisputeNote : null,
                [.. others[c.Row.Submission.ItemId].Take(c.Row.Gold ? Math.Max(0, job.AnswersPerItem - 1) : int.MaxValue)]))
            .ToList();
        return new ReviewBatchView(batch.Id, batch.JobId, job.Name, batch.Status, batch.LeaseExpiresAt, job.RejectionReasons, cards);
    }
}
