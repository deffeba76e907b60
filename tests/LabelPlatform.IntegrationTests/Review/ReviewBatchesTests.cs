using LabelPlatform.Accounts;
using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Exports.Csv;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Review.Batches;
using LabelPlatform.Review.Disputes;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>Reviewer batches: who gets what, two reviewers at once, leases, decisions, and disputes.</summary>
public class ReviewBatchesTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private ClaimReviewBatch Claim => factory.Services.GetRequiredService<ClaimReviewBatch>();

    private DecideReviewBatch Decide => factory.Services.GetRequiredService<DecideReviewBatch>();

    /// <summary>A digits job whose every item has one wrong answer by its own worker (or by <paramref name="labeller"/> for the first items), all judged by the model; returns the ids sent to a reviewer.</summary>
    internal static async Task<(DigitsJob Digits, List<Guid> Flagged)> FlaggedJobAsync(LabelPlatformFactory factory, int items, AppUser? labeller = null, int byLabeller = 0)
    {
        var digits = await factory.CreateDigitsJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items);
        var workers = await factory.InsertWorkersAsync(items);
        await factory.InsertSubmissionsAsync(
            digits.Job.Id,
            digits.Items.Select((item, i) => (item.ItemId, i < byLabeller ? labeller!.Id : workers[i].Id, ReviewData.Wrong(item.Truth))).ToList());
        await factory.ReviewEverythingAsync();
        await using var db = factory.Database.CreateContext();
        var flagged = await db.Assignments.Where(a => a.JobId == digits.Job.Id && a.ReviewState == ReviewState.NeedsReview).Select(a => a.Id).ToListAsync();
        Assert.True(flagged.Count >= items - 1, $"only {flagged.Count} of {items} wrong answers were flagged");
        return (digits, flagged);
    }

    private Task<(DigitsJob Digits, List<Guid> Flagged)> FlaggedJobAsync(int items, AppUser? labeller = null, int byLabeller = 0) =>
        FlaggedJobAsync(factory, items, labeller, byLabeller);

    private Task<(AppUser User, System.Security.Claims.ClaimsPrincipal Principal)> ReviewerAsync() => ReviewerAsync(factory);

    internal static async Task<(AppUser User, System.Security.Claims.ClaimsPrincipal Principal)> ReviewerAsync(LabelPlatformFactory factory)
    {
        var user = await factory.SignUpAsync(AccountKind.Worker);
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.Null(await scope.ServiceProvider.GetRequiredService<SetReviewerRole>().HandleAsync(user.Id, true));
        return (user, ReviewData.Principal(user.Id, Roles.Worker, Roles.Reviewer));
    }

    private Task<int> ExpireAllBatchesAsync(Guid jobId) => ExpireAllBatchesAsync(factory, jobId);

    internal static Task<int> ExpireAllBatchesAsync(LabelPlatformFactory factory, Guid jobId) =>
        factory.ExecuteAsync("UPDATE review_batches SET lease_expires_at = now() - interval '1 minute' WHERE job_id = $1 AND status = 'Open'", jobId);

    [Fact]
    public async Task ClaimAsync_SameReviewerTwiceAtOnce_GetsOneBatch()
    {
        var (digits, _) = await FlaggedJobAsync(6);
        var (_, reviewer) = await ReviewerAsync();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Claim.HandleAsync(reviewer, digits.Job.Id))));

        Assert.Single(results.Select(r => r.Value!.BatchId).Distinct());
    }

    [Fact]
    public async Task ClaimAsync_ReviewerWhoAlsoLabels_NeverGetsOwnSubmissions()
    {
        var (user, reviewer) = await ReviewerAsync();
        var (digits, flagged) = await FlaggedJobAsync(5, user, byLabeller: 2);
        await using var db = factory.Database.CreateContext();
        var own = await db.Assignments.Where(a => a.JobId == digits.Job.Id && a.WorkerId == user.Id).Select(a => a.Id).ToListAsync();

        var batch = (await Claim.HandleAsync(reviewer, digits.Job.Id)).Value;

        Assert.NotNull(batch);
        Assert.Equal(flagged.Except(own).Order(), batch.AssignmentIds.Order());
        Assert.True((await Decide.HandleAsync(reviewer, batch.BatchId, [])).IsSuccess);
        Assert.Null((await Claim.HandleAsync(reviewer, digits.Job.Id)).Value);
        Assert.DoesNotContain((await Claim.HandleAsync(reviewer, null)).Value?.AssignmentIds ?? [], own.Contains);
    }

    [Fact]
    public async Task ClaimAsync_NotAReviewer_Forbidden()
    {
        var (digits, _) = await FlaggedJobAsync(2);
        var worker = await factory.SignUpAsync(AccountKind.Worker);

        var result = await Claim.HandleAsync(ReviewData.Principal(worker.Id, Roles.Worker), digits.Job.Id);

        Assert.Equal("forbidden", result.Error?.Code);
    }

    [Fact]
    public async Task DecideAsync_AnotherReviewersBatchOrAnotherJobsSubmission_Refused()
    {
        var (digits, _) = await FlaggedJobAsync(3);
        var (other, _) = await FlaggedJobAsync(2);
        var (_, mine) = await ReviewerAsync();
        var (_, theirs) = await ReviewerAsync();
        var batch = (await Claim.HandleAsync(mine, digits.Job.Id)).Value!;
        var otherBatch = (await Claim.HandleAsync(theirs, other.Job.Id)).Value!;

        var byOther = await Decide.HandleAsync(theirs, batch.BatchId, []);
        var foreign = await Decide.HandleAsync(mine, batch.BatchId, [new Rejection(otherBatch.AssignmentIds[0], "Wrong label")]);
        var view = await factory.Services.GetRequiredService<LoadReviewBatch>().HandleAsync(theirs, batch.BatchId);

        Assert.Equal("forbidden", byOther.Error?.Code);
        Assert.Equal("validation", foreign.Error?.Code);
        Assert.Equal("forbidden", view.Error?.Code);
        await using var db = factory.Database.CreateContext();
        Assert.All(await db.Assignments.Where(a => batch.AssignmentIds.Contains(a.Id) || otherBatch.AssignmentIds.Contains(a.Id)).ToListAsync(), a => Assert.Equal(ReviewState.NeedsReview, a.ReviewState));
        Assert.True((await Decide.HandleAsync(mine, batch.BatchId, [])).IsSuccess);
    }

    [Fact]
    public async Task DecideAsync_ExpiredBatch_RefusedAndItsSubmissionsClaimableAgain()
    {
        var (digits, flagged) = await FlaggedJobAsync(3);
        var (_, first) = await ReviewerAsync();
        var (_, second) = await ReviewerAsync();
        var batch = (await Claim.HandleAsync(first, digits.Job.Id)).Value!;
        Assert.Null((await Claim.HandleAsync(second, digits.Job.Id)).Value);
        await ExpireAllBatchesAsync(digits.Job.Id);

        var late = await Decide.HandleAsync(first, batch.BatchId, []);
        var again = (await Claim.HandleAsync(second, digits.Job.Id)).Value;

        Assert.Equal(DecideReviewBatch.Expired, late.Error);
        Assert.NotNull(again);
        Assert.Equal(flagged.Order(), again.AssignmentIds.Order());
        Assert.Equal(DecideReviewBatch.Expired, (await Decide.HandleAsync(first, batch.BatchId, [])).Error);
    }

    [Fact]
    public async Task DecideAsync_RejectAndApprove_SlotReturnsToAnotherWorker_AnswerStopsCounting_SecondDecideRefused()
    {
        var (digits, _) = await FlaggedJobAsync(3);
        var (reviewerUser, reviewer) = await ReviewerAsync();
        var batch = (await Claim.HandleAsync(reviewer, digits.Job.Id)).Value!;
        var rejected = batch.AssignmentIds[0];
        await using var db = factory.Database.CreateContext();
        var item = await db.Assignments.Where(a => a.Id == rejected).Select(a => a.ItemId).SingleAsync();
        var countsBefore = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([digits.Job.Id]))[digits.Job.Id];
        await factory.Services.GetRequiredService<global::LabelPlatform.Quality.FinalLabels.RecomputeFinalLabels>().HandleAsync(digits.Job.Id);
        var rejectedLabel = await db.Assignments.Where(a => a.Id == rejected).Select(a => a.Label).SingleAsync();
        Assert.Equal(rejectedLabel, await db.Items.Where(i => i.Id == item).Select(i => i.FinalLabel).SingleAsync());

        var decided = await Decide.HandleAsync(reviewer, batch.BatchId, [new Rejection(rejected, "  Wrong label  ")]);
        var twice = await Decide.HandleAsync(reviewer, batch.BatchId, []);

        Assert.Equal(new BatchDecided(batch.AssignmentIds.Count - 1, 1), decided.Value);
        Assert.Equal("conflict", twice.Error?.Code);
        var rows = await db.Assignments.AsNoTracking().Where(a => batch.AssignmentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id);
        Assert.Equal((AssignmentStatus.Rejected, ReviewState.Rejected), (rows[rejected].Status, rows[rejected].ReviewState));
        Assert.All(rows.Values.Where(a => a.Id != rejected), a => Assert.Equal((AssignmentStatus.Submitted, ReviewState.Approved), (a.Status, a.ReviewState)));
        var decision = await db.ReviewDecisions.SingleAsync(d => d.AssignmentId == rejected);
        Assert.Equal((ReviewDecisionKind.Rejected, "Wrong label", reviewerUser.Id, batch.BatchId), (decision.Decision, decision.Reason, decision.ReviewerId, decision.BatchId));
        Assert.Equal(1, await db.Items.Where(i => i.Id == item).Select(i => i.RemainingSlots).SingleAsync());

        // The rejection is recorded as a change to the job's labels: the sweep (the safety net under the queued recompute) recomputes it.
        await factory.Services.GetRequiredService<global::LabelPlatform.Quality.FinalLabels.FinalLabelsSweep>().RunAsync(CancellationToken.None);
        await using (var swept = factory.Database.CreateContext())
        {
            Assert.Null(await swept.Items.AsNoTracking().Where(i => i.Id == item).Select(i => i.FinalLabel).SingleAsync());
        }

        // The answer no longer counts, the export leaves it out, and another worker gets the item.
        var counts = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([digits.Job.Id]))[digits.Job.Id];
        Assert.Equal(countsBefore.Answers - 1, counts.Answers);
        Assert.Equal((1, batch.AssignmentIds.Count - 1), (counts.Review.Rejected, counts.Review.Approved));
        var csv = await factory.ResultsCsvAsync(digits.Job);
        Assert.DoesNotContain(global::LabelPlatform.Exports.WorkerPseudonyms.For(digits.Job.OrganisationId, rows[rejected].WorkerId), csv);

        // The rejection recomputed the item (the export recomputes stale labels first): no final answer is left on it,
        // and the line says it is not started again rather than done.
        var line = csv.Split('\n').Single(l => l.StartsWith(item.ToString(), StringComparison.Ordinal)).Split(',');
        Assert.Equal("not_started", line[2]);
        await using (var after = factory.Database.CreateContext())
        {
            var final = await after.Items.AsNoTracking().Where(i => i.Id == item).Select(i => new { i.FinalLabel, i.FinalAnswer, i.FinalState }).SingleAsync();
            Assert.Equal((null, null, null), (final.FinalLabel, final.FinalAnswer, final.FinalState));
        }
        Assert.Contains(global::LabelPlatform.Exports.WorkerPseudonyms.For(digits.Job.OrganisationId, rows.Values.First(a => a.Id != rejected).WorkerId), csv);
        var next = await factory.Services.GetRequiredService<ClaimNextItem>().HandleAsync(digits.Job.Id, (await factory.InsertWorkersAsync(1))[0].Id);
        Assert.Equal(item, next.Value?.ItemId);
        var sameWorker = await factory.Services.GetRequiredService<ClaimNextItem>().HandleAsync(digits.Job.Id, rows[rejected].WorkerId);
        Assert.NotEqual(item, sameWorker.Value?.ItemId);
    }

    [Fact]
    public async Task DecideAsync_RejectionWithoutReason_Refused()
    {
        var (digits, _) = await FlaggedJobAsync(2);
        var (_, reviewer) = await ReviewerAsync();
        var batch = (await Claim.HandleAsync(reviewer, digits.Job.Id)).Value!;

        var result = await Decide.HandleAsync(reviewer, batch.BatchId, [new Rejection(batch.AssignmentIds[0], " ")]);

        Assert.Equal("validation", result.Error?.Code);
    }

    [Fact]
    public async Task Dispute_GoesToAnotherReviewerNeverTheWorker_OverturnedIsApprovedAndSlotStaysReturned()
    {
        var (workerReviewer, workerPrincipal) = await ReviewerAsync();
        var (digits, _) = await FlaggedJobAsync(2, workerReviewer, byLabeller: 1);
        var (_, first) = await ReviewerAsync();
        var (_, second) = await ReviewerAsync();
        await using var db = factory.Database.CreateContext();
        var answer = await db.Assignments.Where(a => a.JobId == digits.Job.Id && a.WorkerId == workerReviewer.Id).SingleAsync();
        var batch = (await Claim.HandleAsync(first, digits.Job.Id)).Value!;
        Assert.Contains(answer.Id, batch.AssignmentIds);
        Assert.True((await Decide.HandleAsync(first, batch.BatchId, [new Rejection(answer.Id, "Did not follow the instructions")])).IsSuccess);

        var mine = await factory.Services.GetRequiredService<MyRejectedAnswers>().HandleAsync(workerReviewer.Id);
        var shown = Assert.Single(mine);
        Assert.Equal((answer.Id, "Did not follow the instructions", true), (shown.AssignmentId, shown.Reason, shown.CanDispute));
        var dispute = factory.Services.GetRequiredService<DisputeRejection>();
        Assert.Null(await dispute.HandleAsync(answer.Id, workerReviewer.Id, "It is a 7, look at the stroke."));
        Assert.Equal("conflict", (await dispute.HandleAsync(answer.Id, workerReviewer.Id, "again"))?.Code);
        Assert.False(Assert.Single(await factory.Services.GetRequiredService<MyRejectedAnswers>().HandleAsync(workerReviewer.Id)).CanDispute);

        // Neither the reviewer who rejected it nor its worker gets it; a third reviewer does.
        Assert.Null((await Claim.HandleAsync(first, digits.Job.Id)).Value);
        Assert.Null((await Claim.HandleAsync(workerPrincipal, digits.Job.Id)).Value);
        var disputed = (await Claim.HandleAsync(second, digits.Job.Id)).Value!;
        Assert.Equal([answer.Id], disputed.AssignmentIds);
        var card = Assert.Single((await factory.Services.GetRequiredService<LoadReviewBatch>().HandleAsync(second, disputed.BatchId)).Value!.Cards);
        Assert.Equal((ReviewState.Disputed, "Did not follow the instructions", "It is a 7, look at the stroke."), (card.State, card.RejectedFor, card.DisputeNote));
        Assert.True((await Decide.HandleAsync(second, disputed.BatchId, [])).IsSuccess);

        var after = await db.Assignments.AsNoTracking().SingleAsync(a => a.Id == answer.Id);
        Assert.Equal((AssignmentStatus.Submitted, ReviewState.Approved), (after.Status, after.ReviewState));
        Assert.Equal(DisputeOutcome.Overturned, (await db.ReviewDisputes.SingleAsync(d => d.AssignmentId == answer.Id)).Outcome);
        Assert.Equal(1, await db.Items.Where(i => i.Id == answer.ItemId).Select(i => i.RemainingSlots).SingleAsync());
        Assert.Equal(DisputeOutcome.Overturned, Assert.Single(await factory.Services.GetRequiredService<MyRejectedAnswers>().HandleAsync(workerReviewer.Id)).Dispute);
    }

    [Fact]
    public async Task ReviewPending_ModelMayReject_RejectedAnswersReturnTheirSlots()
    {
        var digits = await factory.CreateDigitsJobAsync(await factory.SignUpAsync(AccountKind.Researcher), 6);
        Assert.Null(await factory.Services.GetRequiredService<SetReviewPolicy>().HandleAsync(
            digits.Job.Id, digits.Job.OrganisationId, ReviewPolicy.Default with { AuditShare = 0, FlagConfidence = 0, ModelMayReject = true }));
        var workers = await factory.InsertWorkersAsync(6);
        await factory.InsertSubmissionsAsync(digits.Job.Id, digits.Items.Select((item, i) => (item.ItemId, workers[i].Id, ReviewData.Wrong(item.Truth))).ToList());

        await factory.ReviewEverythingAsync();

        await using var db = factory.Database.CreateContext();
        var answers = await db.Assignments.AsNoTracking().Where(a => a.JobId == digits.Job.Id).ToListAsync();
        var slots = await db.Items.Where(i => i.JobId == digits.Job.Id).ToDictionaryAsync(i => i.Id, i => i.RemainingSlots);
        Assert.Contains(answers, a => a.ReviewState == ReviewState.Rejected);
        Assert.All(answers, a => Assert.Equal(
            a.ReviewState == ReviewState.Rejected ? (AssignmentStatus.Rejected, 1) : (AssignmentStatus.Submitted, 0),
            (a.Status, slots[a.ItemId])));
        var modelRejected = answers.First(a => a.ReviewState == ReviewState.Rejected);
        var shown = Assert.Single(await factory.Services.GetRequiredService<MyRejectedAnswers>().HandleAsync(modelRejected.WorkerId));
        Assert.StartsWith("model says", shown.Reason);
    }

    [Fact]
    public async Task SetRejectionReasons_OwnJob_ReviewersSeeThem()
    {
        var (digits, _) = await FlaggedJobAsync(2);
        var set = factory.Services.GetRequiredService<SetRejectionReasons>();
        Assert.Null(await set.HandleAsync(digits.Job.Id, digits.Job.OrganisationId, ["Not a digit", " Wrong digit ", ""]));
        Assert.Equal("not_found", (await set.HandleAsync(digits.Job.Id, Guid.NewGuid(), ["x"]))?.Code);
        Assert.Equal("validation", (await set.HandleAsync(digits.Job.Id, digits.Job.OrganisationId, Enumerable.Range(0, 10).Select(i => $"r{i}").ToList()))?.Code);
        var (_, reviewer) = await ReviewerAsync();
        var batch = (await Claim.HandleAsync(reviewer, digits.Job.Id)).Value!;

        var view = (await factory.Services.GetRequiredService<LoadReviewBatch>().HandleAsync(reviewer, batch.BatchId)).Value!;

        Assert.Equal(["Not a digit", "Wrong digit"], view.RejectionReasons);
        Assert.Equal(batch.AssignmentIds.Order(), view.Cards.Select(c => c.Submission.AssignmentId).Order());
        Assert.All(view.Cards, c => Assert.NotEmpty(c.Submission.Reason));
    }
}
