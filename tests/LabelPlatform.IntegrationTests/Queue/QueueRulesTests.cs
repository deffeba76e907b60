using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Common;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Leases;
using LabelPlatform.Queue.Skip;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Queue;

/// <summary>Each rule of the queue with the error a worker sees when they break it.</summary>
public class QueueRulesTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Submit_LeaseRanOutAndItsSlotWentToAnotherWorker_RefusedAndNothingCountedTwice()
    {
        var job = await NewJobAsync(items: 1, answersPerItem: 1);
        var (slow, quick) = await TwoWorkersAsync();
        var late = (await factory.ClaimAsync(job, slow)).Value!;
        await factory.ExpireLeaseAsync(late.AssignmentId);
        var taken = (await factory.ClaimAsync(job, quick)).Value!;
        Assert.Equal(late.ItemId, taken.ItemId);

        var refused = await factory.SubmitAsync(late, slow, "cat");

        Assert.Equal("lease_expired", refused.Error?.Code);
        Assert.Contains("ran out", refused.Error!.Message);
        var lateAssignment = await factory.AssignmentAsync(late.AssignmentId);
        Assert.Equal((AssignmentStatus.Expired, (string?)null, (DateTimeOffset?)null), (lateAssignment.Status, lateAssignment.Label, lateAssignment.SubmittedAt));
        var item = await factory.ItemAsync(late.ItemId);
        Assert.Equal((0, 0), (item.RemainingSlots, await factory.SubmittedCountAsync(item.Id)));
        Assert.True((await factory.SubmitAsync(taken, quick, "dog")).Value?.JobCompleted);
        Assert.Equal(1, await factory.SubmittedCountAsync(late.ItemId));
        Assert.Equal("lease_expired", (await factory.SubmitAsync(late, slow, "cat")).Error?.Code);
    }

    [Fact]
    public async Task Submit_SameAnswerTwiceAtTheSameMoment_StoresOneAnswerAndReportsCompletionOnce()
    {
        const int rounds = 10;
        var job = await NewJobAsync(items: rounds, answersPerItem: 1);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var outcomes = new List<bool>();
        for (var round = 0; round < rounds; round++)
        {
            var lease = (await factory.ClaimAsync(job, worker)).Value!;
            var both = await AtTheSameMomentAsync(() => factory.SubmitAsync(lease, worker, "bird"), () => factory.SubmitAsync(lease, worker, "bird"));

            Assert.All(both, r => Assert.True(r.IsSuccess, r.Error?.Message));
            outcomes.AddRange(both.Select(r => r.Value!.JobCompleted));
            Assert.Equal(1, await factory.SubmittedCountAsync(lease.ItemId));
            Assert.Equal((AssignmentStatus.Submitted, "bird"), await StatusAndLabelAsync(lease.AssignmentId));
        }

        Assert.Single(outcomes, completed => completed);
        foreach (var i in await factory.ItemsAsync(job.Id))
        {
            Assert.Equal((1, 0), (await factory.SubmittedCountAsync(i.Id), i.RemainingSlots));
        }
        Assert.Equal(rounds, (await factory.AssignmentsAsync(job.Id)).Count);
    }

    [Fact]
    public async Task Submit_TwoDifferentAnswersAtTheSameMoment_KeepsOneAndRefusesTheOtherAsConflict()
    {
        var job = await NewJobAsync(items: 1, answersPerItem: 2);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var lease = (await factory.ClaimAsync(job, worker)).Value!;

        var both = await AtTheSameMomentAsync(() => factory.SubmitAsync(lease, worker, "cat"), () => factory.SubmitAsync(lease, worker, "dog"));

        Assert.Single(both, r => r.IsSuccess);
        Assert.Single(both, r => r.Error?.Code == "conflict");
        var kept = both[0].IsSuccess ? "cat" : "dog";
        Assert.Equal((AssignmentStatus.Submitted, kept), await StatusAndLabelAsync(lease.AssignmentId));
        var item = await factory.ItemAsync(lease.ItemId);
        Assert.Equal((1, 1), (await factory.SubmittedCountAsync(item.Id), item.RemainingSlots));
    }

    [Fact]
    public async Task Submit_AnotherWorkersAssignmentOrAnUnknownOne_ReturnsNotFoundAndTouchesNothing()
    {
        var job = await NewJobAsync(items: 1, answersPerItem: 2);
        var (owner, other) = await TwoWorkersAsync();
        var owners = (await factory.ClaimAsync(job, owner)).Value!;
        var others = (await factory.ClaimAsync(job, other)).Value!;
        Assert.Equal(owners.ItemId, others.ItemId);

        var onTheOwnersLease = await factory.SubmitAsync(owners, other, "cat");
        var onNoLease = await factory.SubmitAsync(owners with { AssignmentId = Guid.CreateVersion7() }, other, "cat");

        Assert.Equal("not_found", onTheOwnersLease.Error?.Code);
        Assert.Equal("not_found", onNoLease.Error?.Code);
        Assert.Equal((AssignmentStatus.Leased, (string?)null), await StatusAndLabelAsync(owners.AssignmentId));
        Assert.Equal((AssignmentStatus.Leased, (string?)null), await StatusAndLabelAsync(others.AssignmentId));
        var item = await factory.ItemAsync(owners.ItemId);
        Assert.Equal((0, 0), (await factory.SubmittedCountAsync(item.Id), item.RemainingSlots));
        Assert.True((await factory.SubmitAsync(owners, owner, "dog")).IsSuccess);
    }

    [Theory]
    [InlineData(JobStatus.Cancelled)]
    [InlineData(JobStatus.Completed)]
    [InlineData(JobStatus.Ready)]
    public async Task Claim_JobNotRunning_ReturnsConflictNamingTheStateAndTakesNoSlot(JobStatus status)
    {
        var job = await NewJobAsync(items: 2, answersPerItem: 2);
        await factory.ExecuteAsync("UPDATE jobs SET status = $2 WHERE id = $1", job.Id, status.ToString());

        var claim = await factory.ClaimAsync(job, (await factory.InsertWorkersAsync(1))[0]);

        Assert.Equal("conflict", claim.Error?.Code);
        Assert.Contains(status.ToString().ToLowerInvariant(), claim.Error!.Message);
        Assert.Empty(await factory.AssignmentsAsync(job.Id));
        Assert.All(await factory.ItemsAsync(job.Id), i => Assert.Equal(2, i.RemainingSlots));
    }

    [Fact]
    public async Task Claim_JobThatDoesNotExist_ReturnsNotFound()
    {
        var worker = (await factory.InsertWorkersAsync(1))[0];

        var claim = await factory.Services.GetRequiredService<ClaimNextItem>().HandleAsync(Guid.CreateVersion7(), worker.Id);

        Assert.Equal("not_found", claim.Error?.Code);
    }

    [Fact]
    public async Task Pause_WhileWorkersHoldLeases_NoClaimOrReloadUntilResumedThenTheLeaseIsStillTheirs()
    {
        var job = await NewJobAsync(items: 3, answersPerItem: 1);
        var items = await factory.ItemsAsync(job.Id);
        var (holder, newcomer) = await TwoWorkersAsync();
        var status = factory.Services.GetRequiredService<ChangeJobStatus>();
        var held = (await factory.ClaimAsync(job, holder)).Value!;

        Assert.Equal(JobStatus.Paused, (await status.HandleAsync(job.Id, job.OrganisationId, JobAction.Pause)).Value);
        var reloadWhilePaused = await factory.ClaimAsync(job, holder);
        var claimWhilePaused = await factory.ClaimAsync(job, newcomer);

        Assert.Equal("conflict", reloadWhilePaused.Error?.Code);
        Assert.Equal("conflict", claimWhilePaused.Error?.Code);
        Assert.Contains("paused", claimWhilePaused.Error!.Message);
        Assert.Single(await factory.AssignmentsAsync(job.Id));

        Assert.Equal(JobStatus.Running, (await status.HandleAsync(job.Id, job.OrganisationId, JobAction.Resume)).Value);
        var reload = await factory.ClaimAsync(job, holder);
        var claim = await factory.ClaimAsync(job, newcomer);

        Assert.Equal(held.AssignmentId, reload.Value?.AssignmentId);
        Assert.Equal(items[1].Id, claim.Value?.ItemId);
    }

    [Fact]
    public async Task Skip_LeasedItem_ReturnsTheSlotAndThatWorkerNeverGetsTheItemAgain()
    {
        var job = await NewJobAsync(items: 3, answersPerItem: 1);
        var items = await factory.ItemsAsync(job.Id);
        var (skipper, other) = await TwoWorkersAsync();
        var skip = factory.Services.GetRequiredService<SkipItem>();
        var skipped = (await factory.ClaimAsync(job, skipper)).Value!;
        Assert.Equal(items[0].Id, skipped.ItemId);

        Assert.Null(await skip.HandleAsync(skipped.AssignmentId, skipper.Id));

        Assert.Equal(AssignmentStatus.Skipped, (await factory.AssignmentAsync(skipped.AssignmentId)).Status);
        Assert.Equal([1, 1, 1], (await factory.ItemsAsync(job.Id)).Select(i => i.RemainingSlots));
        Assert.Equal("conflict", (await skip.HandleAsync(skipped.AssignmentId, skipper.Id))?.Code);
        Assert.Equal([1, 1, 1], (await factory.ItemsAsync(job.Id)).Select(i => i.RemainingSlots));

        var skipperGot = new List<Guid>();
        Result<Claim> next;
        while ((next = await factory.ClaimAsync(job, skipper)).IsSuccess)
        {
            skipperGot.Add(next.Value!.ItemId);
            Assert.True((await factory.SubmitAsync(next.Value, skipper, "cat")).IsSuccess);
        }

        Assert.Equal("no_work", next.Error?.Code);
        Assert.Equal([items[1].Id, items[2].Id], skipperGot);
        Assert.Equal(JobStatus.Running, await factory.JobStatusAsync(job.Id));

        var otherGot = await factory.AnswerNextAsync(job, other, "dog");

        Assert.Equal(items[0].Id, otherGot.ItemId);
        Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
    }

    [Fact]
    public async Task Skip_SomeoneElsesLease_ReturnsConflictAndKeepsTheLease()
    {
        var job = await NewJobAsync(items: 1, answersPerItem: 1);
        var (owner, other) = await TwoWorkersAsync();
        var lease = (await factory.ClaimAsync(job, owner)).Value!;

        var error = await factory.Services.GetRequiredService<SkipItem>().HandleAsync(lease.AssignmentId, other.Id);

        Assert.Equal("conflict", error?.Code);
        Assert.Equal(AssignmentStatus.Leased, (await factory.AssignmentAsync(lease.AssignmentId)).Status);
        Assert.Equal(0, (await factory.ItemAsync(lease.ItemId)).RemainingSlots);
    }

    [Fact]
    public async Task ExtendLease_LiveLease_MovesExpiryToTheJobsLeaseMinutesFromNow()
    {
        var job = await NewJobAsync(items: 1, answersPerItem: 1, leaseMinutes: 7);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var lease = (await factory.ClaimAsync(job, worker)).Value!;
        Assert.Equal(DateTimeOffset.UtcNow.AddMinutes(7), lease.LeaseExpiresAt, TimeSpan.FromSeconds(5));
        await factory.ExecuteAsync("UPDATE assignments SET lease_expires_at = now() + interval '30 seconds' WHERE id = $1", lease.AssignmentId);

        var before = DateTimeOffset.UtcNow;
        var extended = await factory.Services.GetRequiredService<ExtendLease>().HandleAsync(lease.AssignmentId, worker.Id);
        var after = DateTimeOffset.UtcNow;

        Assert.True(extended.IsSuccess, extended.Error?.Message);
        Assert.InRange(extended.Value, before.AddMinutes(7).AddMilliseconds(-1), after.AddMinutes(7).AddMilliseconds(1));
        Assert.Equal(extended.Value, (await factory.AssignmentAsync(lease.AssignmentId)).LeaseExpiresAt, TimeSpan.FromMilliseconds(1));
        Assert.True((await factory.SubmitAsync(lease, worker, "cat")).IsSuccess);
    }

    [Fact]
    public async Task ExtendLease_LeaseAlreadyRanOut_ReturnsLeaseExpiredAndDoesNotReviveIt()
    {
        var job = await NewJobAsync(items: 1, answersPerItem: 1);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var lease = (await factory.ClaimAsync(job, worker)).Value!;
        await factory.ExpireLeaseAsync(lease.AssignmentId);
        var expiredAt = (await factory.AssignmentAsync(lease.AssignmentId)).LeaseExpiresAt;

        var extended = await factory.Services.GetRequiredService<ExtendLease>().HandleAsync(lease.AssignmentId, worker.Id);

        Assert.Equal("lease_expired", extended.Error?.Code);
        Assert.Equal(expiredAt, (await factory.AssignmentAsync(lease.AssignmentId)).LeaseExpiresAt);
        Assert.Equal("lease_expired", (await factory.SubmitAsync(lease, worker, "cat")).Error?.Code);
    }

    [Fact]
    public async Task ExtendLease_SomeoneElsesAssignment_ReturnsNotFoundAndLeavesItsExpiryAlone()
    {
        var job = await NewJobAsync(items: 1, answersPerItem: 1);
        var (owner, other) = await TwoWorkersAsync();
        var lease = (await factory.ClaimAsync(job, owner)).Value!;
        await factory.ExecuteAsync("UPDATE assignments SET lease_expires_at = now() + interval '30 seconds' WHERE id = $1", lease.AssignmentId);
        var expiresAt = (await factory.AssignmentAsync(lease.AssignmentId)).LeaseExpiresAt;

        var extended = await factory.Services.GetRequiredService<ExtendLease>().HandleAsync(lease.AssignmentId, other.Id);

        Assert.Equal("not_found", extended.Error?.Code);
        Assert.Equal(expiresAt, (await factory.AssignmentAsync(lease.AssignmentId)).LeaseExpiresAt);
    }

    [Fact]
    public async Task Claim_OneItemAlreadyHasAnAnswer_ThatItemIsHandedOutFirstButNeverToItsAnswerer()
    {
        var job = await NewJobAsync(items: 5, answersPerItem: 3);
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(4);
        var (answerer, second, third, fourth) = (workers[0], workers[1], workers[2], workers[3]);
        await factory.ExecuteAsync(
            """
            INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at, submitted_at, label)
            VALUES (gen_random_uuid(), $1, $2, $3, 'Submitted', now() - interval '2 minutes', now() + interval '8 minutes', now() - interval '1 minute', 'cat');
            """,
            job.Id,
            items[2].Id,
            answerer.Id);
        await factory.ExecuteAsync("UPDATE items SET remaining_slots = 2 WHERE id = $1", items[2].Id);

        var secondGot = (await factory.ClaimAsync(job, second)).Value?.ItemId;
        var answererGot = (await factory.ClaimAsync(job, answerer)).Value?.ItemId;
        var thirdGot = (await factory.ClaimAsync(job, third)).Value?.ItemId;
        var fourthGot = (await factory.ClaimAsync(job, fourth)).Value?.ItemId;

        Assert.Equal(items[2].Id, secondGot);
        Assert.Equal(items[0].Id, answererGot);
        Assert.Equal(items[2].Id, thirdGot);
        Assert.Equal(items[0].Id, fourthGot);
    }

    private async Task<Job> NewJobAsync(int items, int answersPerItem, int leaseMinutes = 10) =>
        await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items, answersPerItem, leaseMinutes: leaseMinutes);

    private async Task<(AppUser, AppUser)> TwoWorkersAsync()
    {
        var workers = await factory.InsertWorkersAsync(2);
        return (workers[0], workers[1]);
    }

    private async Task<(AssignmentStatus, string?)> StatusAndLabelAsync(Guid assignmentId)
    {
        var assignment = await factory.AssignmentAsync(assignmentId);
        return (assignment.Status, assignment.Label);
    }

    /// <summary>Starts both calls on the thread pool behind one gate, so they race as two browser requests would.</summary>
    private static async Task<T[]> AtTheSameMomentAsync<T>(Func<Task<T>> first, Func<Task<T>> second)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = new[] { first, second }.Select(call => Task.Run(async () =>
        {
            await gate.Task;
            return await call();
        })).ToList();
        gate.SetResult();
        return await Task.WhenAll(calls);
    }
}
