using System.Linq.Expressions;
using System.Security.Cryptography;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Queue;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.Files;

/// <summary>
/// The links workers' and reviewers' pages use for an item. A link names one assignment (one
/// worker's answer to the item), not the item, sealed with the data-protection keys so it is
/// opaque and expires: two workers (or reviewers) shown the same gold item get different links, a
/// link found in a forum opens nothing for anyone else, and a worker's link does not outlive the
/// lease. Everything a link serves is a fresh JPEG copy, so the bytes carry no upload metadata and
/// every item arrives in one format, whatever the researcher uploaded.
/// </summary>
public sealed class AssignmentFiles(IDataProtectionProvider protection, IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public const string WorkerPath = "/work/files/", ReviewerPath = "/review/files/";

    /// <summary>The longest a link lives; the lease (which heartbeats extend) decides sooner.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromHours(12);

    // One purpose each: a worker's link does not open on the reviewers' route, nor the other way round.
    private readonly ITimeLimitedDataProtector _workers =
        protection.CreateProtector("LabelPlatform.AssignmentFiles.v1", "worker").ToTimeLimitedDataProtector();

    private readonly ITimeLimitedDataProtector _reviewers =
        protection.CreateProtector("LabelPlatform.AssignmentFiles.v1", "reviewer").ToTimeLimitedDataProtector();

    /// <summary>A worker's link to the item of their assignment, at most about <paramref name="width"/> pixels wide. Make it once per claim: a new link is a new download.</summary>
    public string LinkFor(Guid assignmentId, int width) => Link(_workers, WorkerPath, assignmentId, width);

    /// <summary>A reviewer's link to the item of the answer on a card.</summary>
    public string ReviewerLinkFor(Guid assignmentId, int width) => Link(_reviewers, ReviewerPath, assignmentId, width);

    private string Link(ITimeLimitedDataProtector protector, string path, Guid assignmentId, int width) =>
        $"{path}{protector.Protect(assignmentId.ToString("N"), clock.GetUtcNow() + LinkLifetime)}?w={width}";

    /// <summary>
    /// The file behind a link, while <paramref name="userId"/> holds the lease it names (or its answer
    /// was rejected, for the dispute page); null for anything else (tampered, expired, another worker's).
    /// </summary>
    public async Task<ItemFile?> FindAsync(string token, string userId, CancellationToken ct = default)
    {
        if (Open(_workers, token) is not { } assignmentId)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        return await FileOfAsync(assignmentId, _ => a => a.WorkerId == userId
            && ((a.Status == AssignmentStatus.Leased && a.LeaseExpiresAt > now) || a.Status == AssignmentStatus.Rejected), ct);
    }

    /// <summary>
    /// The file behind a reviewer's link, while the answer it names waits for a reviewer, sits in a
    /// batch <paramref name="reviewerId"/> holds, or was decided by them; or while its item waits for a
    /// reviewer's decision as undecided (or was decided by them), unless they answered it themselves.
    /// </summary>
    public async Task<ItemFile?> FindForReviewerAsync(string token, string reviewerId, CancellationToken ct = default)
    {
        if (Open(_reviewers, token) is not { } assignmentId)
        {
            return null;
        }

        var now = clock.GetUtcNow();
        return await FileOfAsync(assignmentId, db => a =>
            a.ReviewState == LabelPlatform.Jobs.ReviewState.NeedsReview || a.ReviewState == LabelPlatform.Jobs.ReviewState.Disputed
            || db.ReviewBatches.Any(b => b.Id == a.ReviewBatchId && b.ReviewerId == reviewerId && b.Status == Review.Batches.ReviewBatchStatus.Open && b.LeaseExpiresAt > now)
            || db.ReviewDecisions.Any(d => d.AssignmentId == a.Id && d.ReviewerId == reviewerId)
            || (db.Items.Any(i => i.Id == a.ItemId && ((i.FinalState == Quality.FinalLabels.FinalState.Undecided && i.DecidedLabel == null) || i.DecidedBy == reviewerId))
                && !db.Assignments.Any(o => o.ItemId == a.ItemId && o.WorkerId == reviewerId)), ct);
    }

    // The item file of one assignment, if the assignment passes the caller's rule.
    private async Task<ItemFile?> FileOfAsync(Guid assignmentId, Func<AppDbContext, Expression<Func<Assignment, bool>>> visible, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await (
                from a in db.Assignments.Where(a => a.Id == assignmentId).Where(visible(db))
                join i in db.Items on a.ItemId equals i.Id
                where i.StorageKey != ""
                select new ItemFile(i.StorageKey, i.ContentType, i.Width, i.Sha256))
            .AsNoTracking()
            .SingleOrDefaultAsync(ct);
    }

    private static Guid? Open(ITimeLimitedDataProtector protector, string token)
    {
        try
        {
            return token.Length <= 512 && Guid.TryParseExact(protector.Unprotect(token, out _), "N", out var id) ? id : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }
}
