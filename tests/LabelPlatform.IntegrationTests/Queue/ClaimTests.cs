using System.Collections.Concurrent;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.ExpireLeases;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Queue;

public class ClaimTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task ClaimAndSubmit_TwoWorkersThroughAWholeJob_EachAnswersEveryItemOnceInUploadOrder()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 4, answersPerItem: 2);
        var items = await factory.ItemsAsync(job.Id);
        var first = await factory.SignUpAsync(AccountKind.Worker);
        var second = await factory.SignUpAsync(AccountKind.Worker);

        var firstGot = new List<Guid>();
        foreach (var label in new[] { "cat", "dog", "bird", "cat" })
        {
            firstGot.Add((await factory.AnswerNextAsync(job, first, label)).ItemId);
        }

        var firstAgain = await factory.ClaimAsync(job, first);
        var secondGot = new List<Guid>();
        var completed = new List<bool>();
        foreach (var item in items)
        {
            var claim = await factory.ClaimAsync(job, second);
            Assert.True(claim.IsSuccess, claim.Error?.Message);
            secondGot.Add(claim.Value!.ItemId);
            completed.Add((await factory.SubmitAsync(claim.Value, second, "dog")).Value!.JobCompleted);
        }

        var secondAgain = await factory.ClaimAsync(job, second);

        Assert.Equal(items.Select(i => i.Id), firstGot);
        Assert.Equal(items.Select(i => i.Id), secondGot);
        Assert.Equal("no_work", firstAgain.Error?.Code);
        Assert.Equal([false, false, false, true], completed);
        Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
        Assert.Equal("conflict", secondAgain.Error?.Code);
        Assert.Contains("completed", secondAgain.Error!.Message);
        var assignments = await factory.AssignmentsAsync(job.Id);
        Assert.Equal(8, assignments.Count);
        Assert.All(assignments, a => Assert.Equal(AssignmentStatus.Submitted, a.Status));
    }

    [Fact]
    public async Task ClaimAndSubmit_EightWorkersAtOnce_HandOutExactlyItemsTimesAnswersPerItem()
    {
        const int itemCount = 10, answersPerItem = 3, workerCount = 8;
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), itemCount, answersPerItem);
        var workers = new List<AppUser>();
        for (var i = 0; i < workerCount; i++)
        {
            workers.Add(await factory.SignUpAsync(AccountKind.Worker));
        }

        var endings = new ConcurrentBag<string>();
        var completions = new ConcurrentBag<bool>();
        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            while (true)
            {
                var claim = await factory.ClaimAsync(job, worker);
                if (!claim.IsSuccess)
                {
                    endings.Add(claim.Error!.Code);
                    return;
                }

                var submitted = await factory.SubmitAsync(claim.Value!, worker, "cat");
                Assert.True(submitted.IsSuccess, submitted.Error?.Message);
                completions.Add(submitted.Value!.JobCompleted);
            }
        })));

        var assignments = await factory.AssignmentsAsync(job.Id);
        Assert.Equal(itemCount * answersPerItem, assignments.Count);
        Assert.All(assignments, a => Assert.Equal(AssignmentStatus.Submitted, a.Status));
        Assert.Equal(assignments.Count, assignments.Select(a => (a.ItemId, a.WorkerId)).Distinct().Count());
        Assert.All(assignments.GroupBy(a => a.ItemId), g => Assert.Equal(answersPerItem, g.Count()));
        Assert.All(await factory.ItemsAsync(job.Id), i => Assert.Equal(0, i.RemainingSlots));
        Assert.Equal(workerCount, endings.Count);
        Assert.All(endings, code => Assert.Contains(code, new[] { "no_work", "conflict" }));
        Assert.Equal(1, completions.Count(c => c));
        Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
        var counts = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([job.Id]))[job.Id];
        Assert.Equal((itemCount, itemCount * answersPerItem, itemCount, 0), (counts.ItemsDone, counts.Answers, counts.Items, counts.ActiveLeases));
        Assert.Equal(100, counts.PercentDone);
    }

    [Fact]
    public async Task Submit_LastTwoAnswersAtTheSameMoment_CompletesTheJob()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        AppUser[] workers = [await factory.SignUpAsync(AccountKind.Worker), await factory.SignUpAsync(AccountKind.Worker)];
        for (var round = 0; round < 20; round++)
        {
            var job = await factory.CreateRunningJobAsync(researcher, items: 1, answersPerItem: 2);
            var leases = new List<Claim>();
            foreach (var worker in workers)
            {
                leases.Add((await factory.ClaimAsync(job, worker)).Value!);
            }

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var submits = workers.Zip(leases, (worker, lease) => Task.Run(async () =>
            {
                await start.Task;
                return await factory.SubmitAsync(lease, worker, "dog");
            })).ToList();
            start.SetResult();
            var outcomes = await Task.WhenAll(submits);

            Assert.All(outcomes, o => Assert.True(o.IsSuccess, o.Error?.Message));
            Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
            Assert.Single(outcomes, o => o.Value!.JobCompleted);
        }
    }

    [Fact]
    public async Task Claim_WhileHoldingALiveLease_ReturnsTheSameAssignmentWithoutTakingAnotherSlot()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 3, answersPerItem: 2);
        var worker = await factory.SignUpAsync(AccountKind.Worker);

        var first = await factory.ClaimAsync(job, worker);
        var again = await factory.ClaimAsync(job, worker);

        Assert.True(again.IsSuccess, again.Error?.Message);
        Assert.Equal((first.Value!.AssignmentId, first.Value.ItemId), (again.Value!.AssignmentId, again.Value.ItemId));
        Assert.Equal(first.Value.LeaseExpiresAt, again.Value.LeaseExpiresAt, TimeSpan.FromMilliseconds(1));
        Assert.Single(await factory.AssignmentsAsync(job.Id));
        Assert.Equal([1, 2, 2], (await factory.ItemsAsync(job.Id)).Select(i => i.RemainingSlots));
    }

    [Fact]
    public async Task Claim_PausedJob_HandsOutNoWorkUntilResumed()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var status = factory.Services.GetRequiredService<ChangeJobStatus>();
        Assert.Equal(JobStatus.Paused, (await status.HandleAsync(job.Id, job.OrganisationId, JobAction.Pause)).Value);

        var whilePaused = await factory.ClaimAsync(job, worker);

        Assert.Equal("conflict", whilePaused.Error?.Code);
        Assert.Contains("paused", whilePaused.Error!.Message);
        Assert.Empty(await factory.AssignmentsAsync(job.Id));

        Assert.Equal(JobStatus.Running, (await status.HandleAsync(job.Id, job.OrganisationId, JobAction.Resume)).Value);
        var afterResume = await factory.ClaimAsync(job, worker);

        Assert.True(afterResume.IsSuccess, afterResume.Error?.Message);
        Assert.Equal((await factory.ItemsAsync(job.Id))[0].Id, afterResume.Value!.ItemId);
    }

    [Fact]
    public async Task Claim_ManyWorkersOnThreeJobsAtOnceOneOfThemPaused_EachGetsItemsOfTheJobAskedForOrThePausedError()
    {
        // Claims for different jobs share one transaction; what each worker gets must still be
        // decided by their own job alone.
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var jobs = new List<Job>();
        for (var j = 0; j < 3; j++)
        {
            jobs.Add(await factory.CreateJobWithItemsAsync(researcher, items: 40, answersPerItem: 1, leaseMinutes: 5 + j));
        }

        Assert.True((await factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(jobs[2].Id, jobs[2].OrganisationId, JobAction.Pause)).IsSuccess);
        var workers = await factory.InsertWorkersAsync(60);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = workers.Select((w, i) => Task.Run(async () =>
        {
            await gate.Task;
            return (Job: jobs[i % 3], Result: await factory.ClaimAsync(jobs[i % 3], w));
        })).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(calls);

        foreach (var (job, result) in results)
        {
            if (job == jobs[2])
            {
                Assert.Equal("conflict", result.Error?.Code);
                Assert.Contains("paused", result.Error!.Message);
                continue;
            }

            Assert.True(result.IsSuccess, result.Error?.Message);
            Assert.Equal(DateTimeOffset.UtcNow.AddMinutes(job.LeaseMinutes), result.Value!.LeaseExpiresAt, TimeSpan.FromSeconds(10));
        }

        for (var j = 0; j < 2; j++)
        {
            var items = (await factory.ItemsAsync(jobs[j].Id)).Select(i => i.Id).ToHashSet();
            var leases = await factory.AssignmentsAsync(jobs[j].Id);
            var handedOut = results.Where(r => r.Job == jobs[j]).Select(r => r.Result.Value!.ItemId).ToList();
            Assert.Equal(20, leases.Count);
            Assert.All(handedOut, item => Assert.Contains(item, items));
            Assert.Equal(20, handedOut.Distinct().Count());
            Assert.Equal(20, (await factory.ItemsAsync(jobs[j].Id)).Count(i => i.RemainingSlots == 0));
        }

        Assert.Empty(await factory.AssignmentsAsync(jobs[2].Id));
    }

    [Fact]
    public async Task ExpireLeases_LeaseRanOut_ReturnsTheSlotSoAnotherWorkerGetsTheItem()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2, answersPerItem: 1);
        var items = await factory.ItemsAsync(job.Id);
        var slow = await factory.SignUpAsync(AccountKind.Worker);
        var next = await factory.SignUpAsync(AccountKind.Worker);
        var lease = (await factory.ClaimAsync(job, slow)).Value!;
        Assert.Equal(items[0].Id, lease.ItemId);
        Assert.Equal(0, await factory.Services.GetRequiredService<ExpireLeases>().HandleAsync());
        await factory.ExpireLeaseAsync(lease.AssignmentId);

        var returned = await factory.Services.GetRequiredService<ExpireLeases>().HandleAsync();

        Assert.Equal(1, returned);
        Assert.Equal(AssignmentStatus.Expired, (await factory.AssignmentAsync(lease.AssignmentId)).Status);
        Assert.Equal(1, (await factory.ItemAsync(items[0].Id)).RemainingSlots);
        var claim = await factory.ClaimAsync(job, next);
        Assert.True(claim.IsSuccess, claim.Error?.Message);
        Assert.Equal(items[0].Id, claim.Value!.ItemId);
        Assert.Equal(0, await factory.Services.GetRequiredService<ExpireLeases>().HandleAsync());
        Assert.Equal("lease_expired", (await factory.SubmitAsync(lease, slow, "cat")).Error?.Code);
    }

    [Fact]
    public async Task Submit_AfterLeaseRanOut_ReturnsLeaseExpiredAndGivesTheSlotBack()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1, answersPerItem: 1);
        var slow = await factory.SignUpAsync(AccountKind.Worker);
        var lease = (await factory.ClaimAsync(job, slow)).Value!;
        await factory.ExpireLeaseAsync(lease.AssignmentId);

        var submitted = await factory.SubmitAsync(lease, slow, "cat");

        Assert.Equal("lease_expired", submitted.Error?.Code);
        Assert.Contains("ran out", submitted.Error!.Message);
        var assignment = await factory.AssignmentAsync(lease.AssignmentId);
        Assert.Equal(AssignmentStatus.Expired, assignment.Status);
        Assert.Null(assignment.Label);
        Assert.Equal(1, (await factory.ItemAsync(lease.ItemId)).RemainingSlots);
        Assert.Equal(JobStatus.Running, await factory.JobStatusAsync(job.Id));
        Assert.Equal(0, await factory.Services.GetRequiredService<ExpireLeases>().HandleAsync());
        var other = await factory.ClaimAsync(job, await factory.SignUpAsync(AccountKind.Worker));
        Assert.Equal(lease.ItemId, other.Value?.ItemId);
    }

    [Fact]
    public async Task Submit_LabelNotInJob_ReturnsInvalidAnswerAndStoresNothing()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var lease = (await factory.ClaimAsync(job, worker)).Value!;

        var submitted = await factory.SubmitAsync(lease, worker, "horse");

        Assert.Equal("invalid_answer", submitted.Error?.Code);
        Assert.Contains("cat, dog, bird", submitted.Error!.Message);
        var assignment = await factory.AssignmentAsync(lease.AssignmentId);
        Assert.Equal(AssignmentStatus.Leased, assignment.Status);
        Assert.Null(assignment.Label);
        var counts = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([job.Id]))[job.Id];
        Assert.Equal(0, counts.Answers);
        Assert.True((await factory.SubmitAsync(lease, worker, "dog")).IsSuccess, "the lease is still the worker's to answer");
    }

    [Fact]
    public async Task Submit_SomeoneElsesAssignment_ReturnsNotFoundAndLeavesItAlone()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1);
        var owner = await factory.SignUpAsync(AccountKind.Worker);
        var intruder = await factory.SignUpAsync(AccountKind.Worker);
        var lease = (await factory.ClaimAsync(job, owner)).Value!;

        var submitted = await factory.SubmitAsync(lease, intruder, "cat");

        Assert.Equal("not_found", submitted.Error?.Code);
        var assignment = await factory.AssignmentAsync(lease.AssignmentId);
        Assert.Equal((AssignmentStatus.Leased, (string?)null, owner.Id), (assignment.Status, assignment.Label, assignment.WorkerId));
    }

    [Fact]
    public async Task Submit_SameAnswerTwice_CountsItOnce()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2, answersPerItem: 1);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var lease = (await factory.ClaimAsync(job, worker)).Value!;

        var first = await factory.SubmitAsync(lease, worker, "bird");
        var replay = await factory.SubmitAsync(lease, worker, "bird");
        var changed = await factory.SubmitAsync(lease, worker, "cat");

        Assert.True(first.IsSuccess, first.Error?.Message);
        Assert.True(replay.IsSuccess, replay.Error?.Message);
        Assert.Equal("conflict", changed.Error?.Code);
        var counts = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([job.Id]))[job.Id];
        Assert.Equal((1, 1), (counts.Answers, counts.ItemsDone));
        Assert.Equal("bird", (await factory.AssignmentAsync(lease.AssignmentId)).Label);
        Assert.Equal([0, 1], (await factory.ItemsAsync(job.Id)).Select(i => i.RemainingSlots));
        Assert.Equal(JobStatus.Running, await factory.JobStatusAsync(job.Id));
    }
}
