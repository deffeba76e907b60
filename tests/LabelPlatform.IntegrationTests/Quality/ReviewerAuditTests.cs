using LabelPlatform.Data;
using LabelPlatform.IntegrationTests.Review;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Review.Batches;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Quality;

/// <summary>Reviewers audited with gold: a gold item's answer, right or wrong as known, in among their batch.</summary>
public class ReviewerAuditTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Decide_ReviewerApprovesAWrongGoldAnswer_CountsAgainstThemAndLeavesTheAnswerAlone()
    {
        var (digits, flagged) = await ReviewBatchesTests.FlaggedJobAsync(factory, 12);
        Guid auditId, auditItem;
        await using (var db = factory.Database.CreateContext())
        {
            // One of the wrong answers becomes a gold item's answer, scored wrong at submit as it would have been.
            var audit = await db.Assignments.SingleAsync(a => a.Id == flagged[0]);
            (auditId, auditItem) = (audit.Id, audit.ItemId);
            var truth = digits.Items.Single(i => i.ItemId == auditItem).Truth;
            Assert.Null(await factory.Services.GetRequiredService<GoldItems>().MarkAsync(digits.Job.Id, digits.Job.OrganisationId, auditItem, Answer.OneLabel(ReviewData.Right(truth)), null));
            await db.Assignments.Where(a => a.Id == auditId).ExecuteUpdateAsync(u => u.SetProperty(a => a.ReviewState, (ReviewState?)null).SetProperty(a => a.GoldCorrect, false));
        }

        var (reviewer, principal) = await ReviewBatchesTests.ReviewerAsync(factory);
        var batch = (await factory.Services.GetRequiredService<ClaimReviewBatch>().HandleAsync(principal, digits.Job.Id)).Value!;
        Assert.Contains(auditId, batch.AssignmentIds);
        Assert.Equal(flagged.Count, batch.AssignmentIds.Count);
        var card = (await factory.Services.GetRequiredService<LoadReviewBatch>().HandleAsync(principal, batch.BatchId)).Value!;
        Assert.Equal(flagged.Count, card.Cards.Count);

        var decided = await factory.Services.GetRequiredService<DecideReviewBatch>().HandleAsync(principal, batch.BatchId, []);

        Assert.Equal(new BatchDecided(flagged.Count, 0), decided.Value);
        await using var check = factory.Database.CreateContext();
        var record = await check.ReviewerQuality.SingleAsync(q => q.ReviewerId == reviewer.Id);
        Assert.Equal((1, 0), (record.Audited, record.Correct));
        var auditAnswer = await check.Assignments.SingleAsync(a => a.Id == auditId);
        Assert.Equal((global::LabelPlatform.Jobs.AssignmentStatus.Submitted, (ReviewState?)null, (Guid?)null, false), (auditAnswer.Status, auditAnswer.ReviewState, auditAnswer.ReviewBatchId, auditAnswer.GoldCorrect));
        Assert.Equal(0, (await factory.ItemAsync(auditItem)).RemainingSlots);
        Assert.All(await check.Assignments.Where(a => flagged.Skip(1).Contains(a.Id)).ToListAsync(), a => Assert.Equal(ReviewState.Approved, a.ReviewState));

        // Judged once: the same audit answer never comes back to this reviewer.
        await check.Assignments.Where(a => a.JobId == digits.Job.Id && a.ReviewState == ReviewState.Approved).ExecuteUpdateAsync(u => u.SetProperty(a => a.ReviewState, ReviewState.NeedsReview));
        var next = (await factory.Services.GetRequiredService<ClaimReviewBatch>().HandleAsync(principal, digits.Job.Id)).Value;
        Assert.True(next is null || !next.AssignmentIds.Contains(auditId));
    }
}
