using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Queue;
using LabelPlatform.Queue.AvailableJobs;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Quality;

/// <summary>Gold items on the real database: marked, mixed into claims, scored at submit, and blocking workers who miss them.</summary>
public class GoldTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private async Task<(AppUser Researcher, Job Job)> JobAsync(int items, int gold, QualityPolicy policy, int answersPerItem = 2)
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items, answersPerItem);
        if (gold > 0)
        {
            var csv = "item,label,explanation\n" + string.Concat(Enumerable.Range(0, gold).Select(i => $"img/{i}.png,cat,Whiskers and pointed ears.\n"));
            var report = await factory.Services.GetRequiredService<GoldItems>().ImportAsync(job.Id, job.OrganisationId, "gold.csv", csv);
            Assert.True(report.IsSuccess && report.Value!.Succeeded, report.Error?.Message ?? string.Join("; ", report.Value!.Problems));
        }

        Assert.Null(await factory.Services.GetRequiredService<SetQualityPolicy>().HandleAsync(job.Id, job.OrganisationId, policy));
        return (researcher, job);
    }

    private async Task<AppDbContext> DbAsync() => await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    private async Task<bool> IsGoldAsync(Guid itemId)
    {
        await using var db = await DbAsync();
        return await db.Items.AnyAsync(i => i.Id == itemId && i.GoldAnswer != null);
    }

    [Fact]
    public async Task Import_GoldCsv_MarksItemsClosesTheirSlotsAndLeavesThemOutOfProgress()
    {
        var (_, job) = await JobAsync(items: 10, gold: 3, QualityPolicy.FixedOverlap);

        await using var db = await DbAsync();
        var gold = await db.Items.Where(i => i.JobId == job.Id && i.GoldAnswer != null).ToListAsync();
        Assert.Equal(3, gold.Count);
        Assert.All(gold, i => Assert.Equal((0, "Whiskers and pointed ears.", "cat"), (i.RemainingSlots, i.GoldExplanation, string.Join('|', Answer.FromJson(i.GoldAnswer)!.Labels))));
        var counts = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([job.Id]))[job.Id];
        Assert.Equal((7, 14), (counts.Items, counts.AnswersNeeded));
    }

    [Fact]
    public async Task Import_BadRows_NamesEachLineAndMarksNothing()
    {
        var (_, job) = await JobAsync(items: 4, gold: 0, QualityPolicy.FixedOverlap);
        const string csv = "item,label\nimg/0.png,cat\nimg/9.png,cat\nimg/1.png,horse\nimg/2.png\n";

        var report = await factory.Services.GetRequiredService<GoldItems>().ImportAsync(job.Id, job.OrganisationId, "gold.csv", csv);

        Assert.Equal(
            [
                "line 3: the job has no item \"img/9.png\"",
                "line 4: \"horse\" is not one of this job's labels (cat, dog, bird).",
                "line 5: has 1 fields; the header has 2",
            ],
            report.Value!.Problems);
        await using var db = await DbAsync();
        Assert.False(await db.Items.AnyAsync(i => i.JobId == job.Id && i.GoldAnswer != null));
    }

    [Fact]
    public async Task Submit_MissedGoldWithFeedback_RecordsAtOnceButTellsTheWorkerOnlyAfterTwoBlocksOfAnswers()
    {
        var (_, job) = await JobAsync(items: 50, gold: 6, QualityPolicy.FixedOverlap with { GoldRate = 1, NewWorkerGoldRate = 1, Feedback = true }, answersPerItem: 1);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var feedback = factory.Services.GetRequiredService<WorkerFeedback>();

        // The six checks come first (gold share 1), the first one missed; the outcome says nothing of it.
        var outcomes = new List<SubmitOutcome>();
        for (var i = 0; i < 2; i++)
        {
            var claim = (await factory.ClaimAsync(job, worker)).Value!;
            Assert.True(await IsGoldAsync(claim.ItemId));
            outcomes.Add((await factory.SubmitAsync(claim, worker, i == 0 ? "dog" : "cat")).Value!);
        }

        Assert.Single(outcomes.Distinct());
        await using (var db = await DbAsync())
        {
            var record = await db.WorkerJobQuality.SingleAsync(q => q.JobId == job.Id && q.WorkerId == worker.Id);
            Assert.Equal((2, 1, null), (record.GoldAnswers, record.GoldCorrect, record.BlockedAt));
            Assert.Equal([false, true], await db.Assignments.Where(a => a.WorkerId == worker.Id).OrderBy(a => a.SubmittedAt).Select(a => a.GoldCorrect).ToListAsync());
        }

        // Nothing shows until 40 answers; then the first 20 (the six checks among them), and the miss without its item.
        for (var answered = 2; answered < 40; answered++)
        {
            var view = await feedback.ForWorkerAsync(worker.Id);
            Assert.Equal((answered, 0, 0), (view.Answers, view.Counted, view.GoldAnswers));
            Assert.Empty(view.Missed);
            await factory.AnswerNextAsync(job, worker, "cat");
        }

        var shown = await feedback.ForWorkerAsync(worker.Id);
        Assert.Equal((40, 20, 6, 5, WorkerFeedback.Every), (shown.Answers, shown.Counted, shown.GoldAnswers, shown.GoldCorrect, shown.NextUpdateIn));
        Assert.Equal(new MissedCheck(job.Name, "dog", "cat", "Whiskers and pointed ears."), Assert.Single(shown.Missed));

        // The next answers move nothing until the next block of twenty.
        await factory.AnswerNextAsync(job, worker, "cat");
        var after = await feedback.ForWorkerAsync(worker.Id);
        Assert.Equal((20, 6, WorkerFeedback.Every - 1), (after.Counted, after.GoldAnswers, after.NextUpdateIn));
    }

    [Fact]
    public async Task Claim_GoldShownToTheRetirementNumberOfWorkers_IsHandedOutNoMoreAndThePoolReadsLow()
    {
        var (_, job) = await JobAsync(items: 10, gold: 2, QualityPolicy.FixedOverlap with { GoldRate = 1, NewWorkerGoldRate = 1, GoldRetireAfter = 2 }, answersPerItem: 3);
        var gotGold = new List<bool>();
        for (var w = 0; w < 3; w++)
        {
            var worker = await factory.SignUpAsync(AccountKind.Worker);
            for (var k = 0; k < 2; k++)
            {
                var claim = (await factory.ClaimAsync(job, worker)).Value!;
                gotGold.Add(await IsGoldAsync(claim.ItemId));
                Assert.True((await factory.SubmitAsync(claim, worker, "cat")).IsSuccess);
            }
        }

        // Two workers get both gold items; the third none: each was handed to two workers and retired.
        Assert.Equal([true, true, true, true, false, false], gotGold);
        await using var db = await DbAsync();
        var shown = await db.Items.Where(i => i.JobId == job.Id && i.GoldAnswer != null).Select(i => i.GoldShown).ToListAsync();
        Assert.Equal([2, 2], shown);
        var policy = (await db.Jobs.SingleAsync(j => j.Id == job.Id)).QualityPolicy;
        Assert.Equal(0, shown.Count(policy.IsLive));
        Assert.True(policy.GoldPoolLow(0, 2));
    }

    [Fact]
    public async Task Feed_CountMovesTheSameWayForAGoldAndARealItem()
    {
        var (_, job) = await JobAsync(items: 12, gold: 4, QualityPolicy.FixedOverlap with { GoldRate = 0.5, NewWorkerGoldRate = 0.5 }, answersPerItem: 1);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var feed = factory.Services.GetRequiredService<ListAvailableJobs>();
        async Task<int> CountAsync() => (await feed.HandleAsync(worker.Id)).Single(j => j.Id == job.Id).ItemsForYou;

        // 8 real items open and 4 gold items the worker has not had.
        Assert.Equal(12, await CountAsync());
        var moves = new List<(bool Gold, int Holding, int After)>();
        for (var i = 0; i < 6; i++)
        {
            var before = await CountAsync();
            var claim = (await factory.ClaimAsync(job, worker)).Value!;
            var holding = await CountAsync();
            Assert.True((await factory.SubmitAsync(claim, worker, "cat")).IsSuccess);
            moves.Add((await IsGoldAsync(claim.ItemId), holding - before, await CountAsync() - before));
        }

        Assert.Contains(moves, m => m.Gold);
        Assert.Contains(moves, m => !m.Gold);
        Assert.All(moves, m => Assert.Equal((0, -1), (m.Holding, m.After)));
    }

    [Fact]
    public async Task ClaimAndSubmit_GoldWithoutFeedback_LookExactlyLikeAnyOtherItem()
    {
        // Half the claims gold: the worker sees the same shape of claim, lease and outcome either way.
        var (_, job) = await JobAsync(items: 40, gold: 20, QualityPolicy.FixedOverlap with { GoldRate = 0.5, NewWorkerGoldRate = 0.5 }, answersPerItem: 1);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var outcomes = new List<(bool Gold, SubmitOutcomeShape Shape)>();
        for (var i = 0; i < 16; i++)
        {
            var claim = (await factory.ClaimAsync(job, worker)).Value!;
            var lease = claim.LeaseExpiresAt - (await factory.AssignmentAsync(claim.AssignmentId)).LeasedAt;
            var outcome = (await factory.SubmitAsync(claim, worker, "dog")).Value!;
            outcomes.Add((await IsGoldAsync(claim.ItemId), new SubmitOutcomeShape(TimeSpan.FromSeconds(Math.Round(lease.TotalSeconds)), outcome)));
        }

        // Half the claims gold: sixteen without one is a one-in-65,000 chance, so say what the job looked like.
        if (!outcomes.Any(o => o.Gold))
        {
            await using var db = await DbAsync();
            var gold = await db.Items.Where(i => i.JobId == job.Id && i.GoldAnswer != null).Select(i => new { i.GoldShown, i.RemainingSlots }).ToListAsync();
            var stored = await db.Jobs.Where(j => j.Id == job.Id).Select(j => new { j.Status, j.QualityPolicy }).SingleAsync();
            var record = await db.WorkerJobQuality.Where(q => q.JobId == job.Id && q.WorkerId == worker.Id).Select(q => new { q.Answers, q.GoldAnswers }).SingleOrDefaultAsync();
            Assert.Fail($"No gold in 16 claims. Gold items: {gold.Count} (shown {string.Join(",", gold.Select(g => g.GoldShown))}; slots {gold.Sum(g => g.RemainingSlots)}); job {stored.Status}, policy {stored.QualityPolicy.ToJson()}; record {record}.");
        }

        Assert.Contains(outcomes, o => !o.Gold);
        Assert.Single(outcomes.Select(o => o.Shape).Distinct());

        // The picture of a gold item comes back like any other's: same status, type and caching.
        using var browser = await factory.SignInAsync(worker);
        var next = (await factory.ClaimAsync(job, worker)).Value!;
        using var response = await browser.GetAsync(factory.Services.GetRequiredService<LabelPlatform.Queue.Files.AssignmentFiles>().LinkFor(next.AssignmentId, 1600));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode); // placeholder files are not stored: the same 404 for both kinds
    }

    private sealed record SubmitOutcomeShape(TimeSpan Lease, SubmitOutcome Outcome);

    [Fact]
    public async Task Submit_AccuracyBelowTheJobsMinimum_BlocksDiscardsAnswersWaitingForReviewAndReturnsTheirSlots()
    {
        var (_, job) = await JobAsync(items: 10, gold: 4, QualityPolicy.FixedOverlap with { GoldRate = 0, NewWorkerGoldRate = 0, MinAccuracy = 0.6, MinGoldAnswers = 3 });
        var worker = await factory.SignUpAsync(AccountKind.Worker);

        // Two real answers first, one waiting for a reviewer: blocking throws that one away.
        var realClaims = new List<Claim>();
        for (var i = 0; i < 2; i++)
        {
            var claim = (await factory.ClaimAsync(job, worker)).Value!;
            Assert.False(await IsGoldAsync(claim.ItemId));
            await factory.SubmitAsync(claim, worker, "dog");
            realClaims.Add(claim);
        }

        await using (var db = await DbAsync())
        {
            await db.Assignments.Where(a => a.Id == realClaims[0].AssignmentId).ExecuteUpdateAsync(u => u.SetProperty(a => a.ReviewState, ReviewState.NeedsReview));
        }

        var slotsBefore = (await factory.ItemAsync(realClaims[0].ItemId)).RemainingSlots;
        Assert.Null(await factory.Services.GetRequiredService<SetQualityPolicy>().HandleAsync(job.Id, job.OrganisationId,
            QualityPolicy.FixedOverlap with { GoldRate = 1, NewWorkerGoldRate = 1, MinAccuracy = 0.6, MinGoldAnswers = 3 }));
        for (var i = 0; i < 3; i++)
        {
            var gold = (await factory.ClaimAsync(job, worker)).Value!;
            Assert.True(await IsGoldAsync(gold.ItemId));
            await factory.SubmitAsync(gold, worker, "bird");
        }

        var after = await factory.ClaimAsync(job, worker);
        Assert.Equal(GoldDraw.Blocked, after.Error);
        await using var check = await DbAsync();
        var record = await check.WorkerJobQuality.SingleAsync(q => q.JobId == job.Id && q.WorkerId == worker.Id);
        Assert.NotNull(record.BlockedAt);
        // 0 of 3 under the Beta(1.4, 0.6) worker prior: 1.4 / 5.
        Assert.StartsWith("accuracy on checks 28% after 3 gold answers", record.BlockReason);
        var states = await check.Assignments.Where(a => realClaims.Select(c => c.AssignmentId).Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Status);
        Assert.Equal((AssignmentStatus.Discarded, AssignmentStatus.Submitted), (states[realClaims[0].AssignmentId], states[realClaims[1].AssignmentId]));
        Assert.Equal(slotsBefore + 1, (await factory.ItemAsync(realClaims[0].ItemId)).RemainingSlots);
        Assert.Equal(0, await check.Items.Where(i => i.JobId == job.Id && i.GoldAnswer != null).SumAsync(i => i.RemainingSlots));
        Assert.DoesNotContain(await factory.Services.GetRequiredService<ListAvailableJobs>().HandleAsync(worker.Id), j => j.Id == job.Id);
        var pool = await factory.Services.GetRequiredService<ClaimFromPool>().HandleAsync(worker.Id);
        Assert.True(pool.Value is null || pool.Value.JobId != job.Id);
    }

    [Fact]
    public async Task Claim_QualificationTest_GoldFirstThenRealWorkOrABlock()
    {
        var policy = QualityPolicy.FixedOverlap with { GoldRate = 0, NewWorkerGoldRate = 0, QualificationItems = 2, QualificationPass = 1 };
        var (_, job) = await JobAsync(items: 8, gold: 3, policy);
        var good = await factory.SignUpAsync(AccountKind.Worker);
        var bad = await factory.SignUpAsync(AccountKind.Worker);

        foreach (var (worker, label) in new[] { (good, "cat"), (bad, "dog") })
        {
            for (var i = 0; i < 2; i++)
            {
                var test = (await factory.ClaimAsync(job, worker)).Value!;
                Assert.True(await IsGoldAsync(test.ItemId));
                await factory.SubmitAsync(test, worker, label);
            }
        }

        var real = (await factory.ClaimAsync(job, good)).Value!;
        Assert.False(await IsGoldAsync(real.ItemId));
        Assert.Equal(GoldDraw.Blocked, (await factory.ClaimAsync(job, bad)).Error);
        await using var db = await DbAsync();
        Assert.StartsWith("failed the qualification test (0 of 2 right", (await db.WorkerJobQuality.SingleAsync(q => q.JobId == job.Id && q.WorkerId == bad.Id)).BlockReason);
    }

    [Fact]
    public async Task Unmark_GoldItem_GoesBackToTheCrowdForTheAnswersItLacks()
    {
        var (_, job) = await JobAsync(items: 3, gold: 1, QualityPolicy.FixedOverlap);
        var gold = (await factory.ItemsAsync(job.Id)).Single(i => i.SourceName == "img/0.png");

        Assert.Null(await factory.Services.GetRequiredService<GoldItems>().UnmarkAsync(job.Id, job.OrganisationId, gold.Id));

        var item = await factory.ItemAsync(gold.Id);
        Assert.Equal((null, 2), (item.GoldAnswer, item.RemainingSlots));
        Assert.Equal(global::LabelPlatform.Common.Error.NotFound("The gold item"), await factory.Services.GetRequiredService<GoldItems>().UnmarkAsync(job.Id, job.OrganisationId, gold.Id));
    }

    [Fact]
    public async Task Submit_WorkerBelowTheReviewAccuracy_AnswersGoToAReviewerOthersDoNot()
    {
        var checks = QualityPolicy.FixedOverlap with { GoldRate = 1, NewWorkerGoldRate = 1, MinGoldAnswers = 2, ReviewBelowAccuracy = 0.6 };
        var (_, job) = await JobAsync(items: 8, gold: 4, checks);
        var careless = await factory.SignUpAsync(AccountKind.Worker);
        var careful = await factory.SignUpAsync(AccountKind.Worker);
        foreach (var (worker, label) in new[] { (careless, "dog"), (careful, "cat") })
        {
            for (var i = 0; i < 2; i++)
            {
                await factory.SubmitAsync((await factory.ClaimAsync(job, worker)).Value!, worker, label);
            }
        }

        Assert.Null(await factory.Services.GetRequiredService<SetQualityPolicy>().HandleAsync(job.Id, job.OrganisationId, checks with { GoldRate = 0, NewWorkerGoldRate = 0 }));
        var doubtful = (await factory.ClaimAsync(job, careless)).Value!;
        var trusted = (await factory.ClaimAsync(job, careful)).Value!;
        await factory.SubmitAsync(doubtful, careless, "cat");
        await factory.SubmitAsync(trusted, careful, "cat");

        Assert.Equal(ReviewState.NeedsReview, (await factory.AssignmentAsync(doubtful.AssignmentId)).ReviewState);
        Assert.Null((await factory.AssignmentAsync(trusted.AssignmentId)).ReviewState);
    }
}
