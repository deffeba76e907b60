using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.FinalLabels;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Quality;

/// <summary>Final labels recomputed in the background, and dynamic overlap buying answers only where the crowd is unsure.</summary>
public class FinalLabelsTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private async Task<AppDbContext> DbAsync() => await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task Recompute_AnswersIn_SetsEachItemsFinalLabelConfidenceAndTheJobsAgreement()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2, answersPerItem: 3);
        var workers = await factory.InsertWorkersAsync(3);
        string[][] labels = [["cat", "cat", "dog"], ["bird", "bird", "bird"]];
        var items = await factory.ItemsAsync(job.Id);
        for (var w = 0; w < 3; w++)
        {
            for (var i = 0; i < 2; i++)
            {
                var claim = (await factory.ClaimAsync(job, workers[w])).Value!;
                await factory.SubmitAsync(claim, workers[w], labels[items.FindIndex(it => it.Id == claim.ItemId)][w]);
            }
        }

        await factory.Services.GetRequiredService<FinalLabelsSweep>().RunAsync(CancellationToken.None);

        await using var db = await DbAsync();
        var finals = await db.Items.Where(i => i.JobId == job.Id).OrderBy(i => i.Ordinal).Select(i => new { i.FinalLabel, i.FinalConfidence, i.FinalSource, i.FinalState }).ToListAsync();

        // Majority vote's posterior with every worker at the prior's 70% among 3 labels: each vote multiplies its
        // label's odds by 0.7·2/0.3 = 14/3. Cat 2, dog 1: w²/(w² + w + 1); bird 3 to 0: w³/(w³ + 2).
        var odds = 14f / 3;
        Assert.Equal(("cat", odds * odds / ((odds * odds) + odds + 1)), (finals[0].FinalLabel, finals[0].FinalConfidence!.Value), new ApproxComparer());
        Assert.Equal(("bird", odds * odds * odds / ((odds * odds * odds) + 2)), (finals[1].FinalLabel, finals[1].FinalConfidence!.Value), new ApproxComparer());

        // Both from the crowd. Bird is as sure as the job asks; cat is out of answers below it: a reviewer decides.
        Assert.Equal([FinalSource.Crowd, FinalSource.Crowd], finals.Select(f => f.FinalSource));
        Assert.Equal([FinalState.Undecided, FinalState.Settled], finals.Select(f => f.FinalState));
        var stored = await db.Jobs.SingleAsync(j => j.Id == job.Id);
        Assert.NotNull(stored.FinalLabelsAt);
        Assert.InRange(stored.Agreement!.Value, 0.3, 0.8);
        Assert.Equal(JobStatus.Completed, stored.Status);

        // Nothing new since: the sweep leaves the job alone.
        var at = stored.FinalLabelsAt;
        await factory.Services.GetRequiredService<FinalLabelsSweep>().RunAsync(CancellationToken.None);
        await using var again = await DbAsync();
        Assert.Equal(at, (await again.Jobs.SingleAsync(j => j.Id == job.Id)).FinalLabelsAt);
    }

    [Fact]
    public async Task DynamicOverlap_DisagreementOnly_BuysMoreAnswersThereUntilSettledOrAtTheMaximumThenCompletes()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 2);
        Assert.Null(await factory.Services.GetRequiredService<SetQualityPolicy>().HandleAsync(job.Id, job.OrganisationId,
            QualityPolicy.FixedOverlap with { Aggregation = AggregationMethod.MajorityVote, MaxAnswersPerItem = 4, TargetConfidence = 0.8 }));
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(6);
        var recompute = factory.Services.GetRequiredService<RecomputeFinalLabels>();

        // Item 0: cat, cat — settled. Item 1: cat, dog — a tie, so one more answer at a time.
        string Answer(Guid item, int worker) => item == items[0].Id ? "cat" : worker % 2 == 0 ? "cat" : "dog";
        var next = 0;
        async Task AnswerAllOpenAsync()
        {
            while (next < workers.Count && (await factory.ClaimAsync(job, workers[next])).Value is { } claim)
            {
                Assert.True((await factory.SubmitAsync(claim, workers[next], Answer(claim.ItemId, next))).IsSuccess);
                if ((await factory.ClaimAsync(job, workers[next])).Value is { } second)
                {
                    Assert.True((await factory.SubmitAsync(second, workers[next], Answer(second.ItemId, next))).IsSuccess);
                }

                next++;
            }
        }

        await AnswerAllOpenAsync();
        Assert.Equal(JobStatus.Running, await factory.JobStatusAsync(job.Id));
        var first = await recompute.HandleAsync(job.Id);
        Assert.Equal((1, false), (first.AskedForMore, first.Completed));
        Assert.Equal((0, 1), ((await factory.ItemAsync(items[0].Id)).RemainingSlots, (await factory.ItemAsync(items[1].Id)).RemainingSlots));

        // Cat, cat is 91.6% sure (strangers at 70%). Third answer: cat, dog, cat is 79.4% < 80%, one more; the fourth
        // (dog) ties again at the maximum of 4: out of answers, undecided.
        for (var round = 0; round < 3; round++)
        {
            await AnswerAllOpenAsync();
            await recompute.HandleAsync(job.Id);
        }

        Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
        await using var db = await DbAsync();
        var answers = await db.Assignments.Where(a => a.JobId == job.Id && a.Status == global::LabelPlatform.Jobs.AssignmentStatus.Submitted).GroupBy(a => a.ItemId).ToDictionaryAsync(g => g.Key, g => g.Count());
        Assert.Equal((2, 4), (answers[items[0].Id], answers[items[1].Id]));
        Assert.Equal(FinalState.Settled, (await factory.ItemAsync(items[0].Id)).FinalState);
        Assert.Equal(FinalState.Undecided, (await factory.ItemAsync(items[1].Id)).FinalState);
    }

    [Fact]
    public async Task GoldCandidates_OnlyItemsThreeTrustedWorkersSettledAt99Percent()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 4, answersPerItem: 3,
            quality: QualityPolicy.FixedOverlap with { Aggregation = AggregationMethod.WeightedVote, MinAccuracy = 0.7, MinGoldAnswers = 4 });
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(4);

        // Item 0: three trusted workers agree. Item 1: two agree, one disagrees. Item 2: three agree, but one answer is
        // later rejected. Item 3: three agree, but one of them is blocked from the job.
        string[][] labels = [["cat", "cat", "cat"], ["cat", "cat", "dog"], ["dog", "dog", "dog"], ["bird", "bird", "bird"]];
        int[][] by = [[0, 1, 2], [0, 1, 2], [0, 1, 2], [0, 1, 3]];
        for (var w = 0; w < 4; w++)
        {
            while ((await factory.ClaimAsync(job, workers[w])).Value is { } claim)
            {
                var item = items.FindIndex(i => i.Id == claim.ItemId);
                var slot = Array.IndexOf(by[item], w);
                if (slot < 0)
                {
                    await factory.Services.GetRequiredService<global::LabelPlatform.Queue.Skip.SkipItem>().HandleAsync(claim.AssignmentId, workers[w].Id);
                    continue;
                }

                Assert.True((await factory.SubmitAsync(claim, workers[w], labels[item][slot])).IsSuccess);
            }
        }

        // Every worker has a strong record on checks; worker 3 is blocked all the same (by hand, as an admin would).
        await using (var db = await DbAsync())
        {
            foreach (var w in workers)
            {
                db.WorkerJobQuality.Add(new WorkerJobQuality
                {
                    WorkerId = w.Id,
                    JobId = job.Id,
                    GoldAnswers = 20,
                    GoldCorrect = 20,
                    UpdatedAt = DateTimeOffset.UtcNow,
                    BlockedAt = w == workers[3] ? DateTimeOffset.UtcNow : null,
                    BlockReason = w == workers[3] ? "test" : null
                });
            }

            await db.SaveChangesAsync();
            await db.Assignments.Where(a => a.ItemId == items[2].Id && a.WorkerId == workers[2].Id)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.Status, global::LabelPlatform.Jobs.AssignmentStatus.Rejected)
                    .SetProperty(a => a.ReviewState, global::LabelPlatform.Jobs.ReviewState.Rejected));
        }

        await factory.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);
        var candidates = await factory.Services.GetRequiredService<GoldCandidates>().ForJobAsync(job.Id, job.OrganisationId);

        // Items 2 and 3 are settled above 99% (two workers this good are enough) but do not have three agreeing, accepted,
        // trusted answers; item 1 is not 99% sure. Only item 0 may become gold.
        var finals = (await factory.ItemsAsync(job.Id)).ToDictionary(i => i.Id);
        Assert.True(finals[items[2].Id].FinalConfidence >= 0.99f);
        Assert.True(finals[items[1].Id].FinalConfidence < 0.99f);
        var only = Assert.Single(candidates);
        Assert.Equal((items[0].Id, "cat", 3), (only.ItemId, only.Final, only.AgreeingWorkers));

        // Nor does another organisation see any.
        Assert.Empty(await factory.Services.GetRequiredService<GoldCandidates>().ForJobAsync(job.Id, Guid.NewGuid()));
    }

    [Fact]
    public async Task Undecided_ReviewerDecides_TheDecisionIsTheFinalAnswerFromAReviewer()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1, answersPerItem: 3);
        var workers = await factory.InsertWorkersAsync(3);
        string[] answers = ["cat", "dog", "bird"];
        for (var w = 0; w < 3; w++)
        {
            Assert.True((await factory.SubmitAsync((await factory.ClaimAsync(job, workers[w])).Value!, workers[w], answers[w])).IsSuccess);
        }

        await factory.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);
        var item = (await factory.ItemsAsync(job.Id)).Single();
        Assert.Equal(FinalState.Undecided, item.FinalState);

        var undecided = factory.Services.GetRequiredService<global::LabelPlatform.Review.Undecided.UndecidedItems>();
        var reviewer = await factory.SignUpWithRoleAsync(global::LabelPlatform.Accounts.Roles.Reviewer);
        var asReviewer = ReviewData.Principal(reviewer.Id, global::LabelPlatform.Accounts.Roles.Reviewer);
        var asWorker = ReviewData.Principal(workers[0].Id, global::LabelPlatform.Accounts.Roles.Worker);
        var asAnswerer = ReviewData.Principal(workers[0].Id, global::LabelPlatform.Accounts.Roles.Reviewer);

        // The reviewer sees how the answers split, not who gave them; someone who answered it never sees it or decides it.
        var listed = (await undecided.ListAsync(asReviewer)).Value!.Single(i => i.ItemId == item.Id);
        Assert.Equal(3, listed.Split.Sum(s => s.Answers));
        Assert.DoesNotContain((await undecided.ListAsync(asAnswerer)).Value!, i => i.ItemId == item.Id);
        Assert.Equal("forbidden", (await undecided.ListAsync(asWorker)).Error?.Code);
        Assert.Equal("forbidden", (await undecided.DecideAsync(asWorker, item.Id, "cat"))?.Code);
        Assert.Equal("conflict", (await undecided.DecideAsync(asAnswerer, item.Id, "cat"))?.Code);
        Assert.Equal("validation", (await undecided.DecideAsync(asReviewer, item.Id, "horse"))?.Code);

        Assert.Null(await undecided.DecideAsync(asReviewer, item.Id, "dog"));
        Assert.Equal("conflict", (await undecided.DecideAsync(asReviewer, item.Id, "cat"))?.Code);

        // The export recomputes first: the reviewer's label is the final answer, settled, from a reviewer.
        var csv = await factory.ResultsCsvAsync(job);
        var after = await factory.ItemAsync(item.Id);
        Assert.Equal(("dog", FinalSource.Reviewer, FinalState.Settled, reviewer.Id), (after.FinalLabel, after.FinalSource, after.FinalState, after.DecidedBy));
        var line = csv.Split('\n')[1].TrimEnd('\r').Split(',');
        Assert.Equal(("done", "dog", "reviewer"), (line[2], line[^4], line[^2]));
        Assert.DoesNotContain((await undecided.ListAsync(asReviewer)).Value!, i => i.ItemId == item.Id);
    }

    [Fact]
    public async Task DynamicOverlap_MultiLabelJob_BuysMoreWhereALabelIsInDoubtPerLabel()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 2, kind: TaskKind.ImageMultiLabel,
            quality: QualityPolicy.FixedOverlap with { Aggregation = AggregationMethod.WeightedVote, MaxAnswersPerItem = 3, TargetConfidence = 0.8 });
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(3);
        var submit = factory.Services.GetRequiredService<global::LabelPlatform.Queue.Submit.SubmitAnswer>();

        // Item 0: both choose {cat}: every label is 2 to 0. Item 1: {cat, dog} and {cat}: dog is 1 to 1, in doubt.
        string[] Chosen(Guid item, int worker) => item == items[0].Id ? ["cat"] : worker == 0 ? ["cat", "dog"] : ["cat"];
        for (var w = 0; w < 2; w++)
        {
            while ((await factory.ClaimAsync(job, workers[w])).Value is { } claim)
            {
                Assert.True((await submit.HandleAsync(claim.AssignmentId, workers[w].Id, Answer.ManyLabels(Chosen(claim.ItemId, w)))).IsSuccess);
            }
        }

        var first = await factory.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);

        // Strangers at 70% agreeing twice on a yes/no question: 0.7² / (0.7² + 0.3²) = 84% ≥ 80%, settled. A 1-to-1 split is 50%.
        Assert.Equal(1, first.AskedForMore);
        Assert.Equal((FinalState.Settled, 0), ((await factory.ItemAsync(items[0].Id)).FinalState, (await factory.ItemAsync(items[0].Id)).RemainingSlots));
        Assert.Equal((null, 1), ((await factory.ItemAsync(items[1].Id)).FinalState, (await factory.ItemAsync(items[1].Id)).RemainingSlots));

        // The dashboard counts only the settled item as done: the other has its first answers but wants one more.
        var counts = (await factory.Services.GetRequiredService<global::LabelPlatform.Jobs.Progress.GetJobCounts>().HandleAsync([job.Id]))[job.Id];
        Assert.Equal((1, 2), (counts.ItemsDone, counts.ItemsStarted));

        // The third answer leaves dog out: 2 to 1, 70% sure, below 80% at the most answers allowed: undecided, for a person.
        var third = (await factory.ClaimAsync(job, workers[2])).Value!;
        Assert.Equal(items[1].Id, third.ItemId);
        Assert.True((await submit.HandleAsync(third.AssignmentId, workers[2].Id, Answer.ManyLabels(["cat"]))).IsSuccess);
        await factory.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);
        var after = await factory.ItemAsync(items[1].Id);
        Assert.Equal((FinalState.Undecided, 0), (after.FinalState, after.RemainingSlots));
        Assert.Equal(["cat"], Answer.FromJson(after.FinalAnswer)!.Labels);
    }

    [Fact]
    public async Task DynamicOverlap_BoxJob_BuysMoreUntilTheBoxesAgreeOrTheMaximum()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 1, kind: TaskKind.BoundingBoxes,
            quality: QualityPolicy.FixedOverlap with { Aggregation = AggregationMethod.WeightedVote, MaxAnswersPerItem = 3, TargetConfidence = 0.9 });
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(3);
        var submit = factory.Services.GetRequiredService<global::LabelPlatform.Queue.Submit.SubmitAnswer>();
        var recompute = factory.Services.GetRequiredService<RecomputeFinalLabels>();
        var box = Answer.WithBoxes([new("dog", 1, 1, 5, 5)]);

        // Item 0: everyone draws the dog. Item 1: the second worker draws nothing.
        Answer Drawn(Guid item, int worker) => item == items[1].Id && worker == 1 ? Answer.WithBoxes([]) : box;
        async Task RoundAsync(int w)
        {
            while ((await factory.ClaimAsync(job, workers[w])).Value is { } claim)
            {
                Assert.True((await submit.HandleAsync(claim.AssignmentId, workers[w].Id, Drawn(claim.ItemId, w))).IsSuccess);
            }

            await recompute.HandleAsync(job.Id);
        }

        // One stranger's boxes agree only with themselves: 70%, so both items want a second answer.
        await RoundAsync(0);
        Assert.All(await factory.ItemsAsync(job.Id), i => Assert.Equal((null, 0.7f, 1), (i.FinalState, i.FinalConfidence, i.RemainingSlots)));

        // Two agreeing workers settle item 0; item 1 is split 1 to 1 and gets a third answer, which leaves it at 2 of 3.
        await RoundAsync(1);
        Assert.Equal((FinalState.Settled, 1f), ((await factory.ItemAsync(items[0].Id)).FinalState, (await factory.ItemAsync(items[0].Id)).FinalConfidence));
        await RoundAsync(2);
        var split = await factory.ItemAsync(items[1].Id);
        Assert.Equal((FinalState.Undecided, 0), (split.FinalState, split.RemainingSlots));
        Assert.Equal(2f / 3, split.FinalConfidence!.Value, 3);
        Assert.Equal(3, await factory.SubmittedCountAsync(items[1].Id));
        Assert.Equal(2, await factory.SubmittedCountAsync(items[0].Id));
    }

    private sealed class ApproxComparer : IEqualityComparer<(string?, float)>
    {
        public bool Equals((string?, float) x, (string?, float) y) => x.Item1 == y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-4;

        public int GetHashCode((string?, float) obj) => obj.Item1?.GetHashCode() ?? 0;
    }
}
