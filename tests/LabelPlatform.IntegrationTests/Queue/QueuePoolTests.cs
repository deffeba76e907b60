using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Skip;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace LabelPlatform.IntegrationTests.Queue;

/// <summary>
/// "Next task, any job": priority first, an even share among equal priorities. The pool is every
/// running job in the database, so each test first takes the previous tests' jobs out of it.
/// </summary>
public class QueuePoolTests(LabelPlatformFactory factory, ITestOutputHelper output) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task ClaimFromPool_EqualPriorityJobsOfVeryDifferentSizes_TheSmallJobGetsItsShare()
    {
        await EmptyThePoolAsync();
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var big = await factory.CreateJobWithItemsAsync(researcher, items: 1_000, answersPerItem: 1);
        var small = await factory.CreateJobWithItemsAsync(researcher, items: 20, answersPerItem: 1);

        var claims = await ClaimOnceEachAsync(await factory.InsertWorkersAsync(40));

        var toSmall = claims.Count(c => c.JobId == small.Id);
        output.WriteLine($"40 claims: {toSmall} to the 20-item job, {claims.Count(c => c.JobId == big.Id)} to the 1,000-item job");
        Assert.Equal(40, claims.Count(c => c.JobId == big.Id || c.JobId == small.Id));
        // Each claim picks either job with probability 1/2 while both have work: fewer than 6 of 40 happens with probability < 1e-6.
        Assert.InRange(toSmall, 6, 20);
    }

    [Fact]
    public async Task ClaimFromPool_HigherPriorityJobHasWork_AlwaysHandsItOutFirst()
    {
        await EmptyThePoolAsync();
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var urgent = await factory.CreateJobWithItemsAsync(researcher, items: 5, answersPerItem: 1, priority: 10);
        var normal = await factory.CreateJobWithItemsAsync(researcher, items: 100, answersPerItem: 1);
        var later = await factory.CreateJobWithItemsAsync(researcher, items: 100, answersPerItem: 1, priority: -5);
        var workers = (await factory.InsertWorkersAsync(30)).ToArray();

        var first = await ClaimOnceEachAsync(workers[..5]);
        var then = await ClaimOnceEachAsync(workers[5..20]);

        Assert.All(first, c => Assert.Equal(urgent.Id, c.JobId));
        Assert.All(then, c => Assert.Equal(normal.Id, c.JobId));

        // A slot of the urgent job comes back: the next worker gets it before anything else.
        Assert.Null(await factory.Services.GetRequiredService<SkipItem>().HandleAsync(first[0].Claim.AssignmentId, workers[0].Id));
        var afterSkip = await ClaimOnceEachAsync(workers[20..22]);

        Assert.Equal([urgent.Id, normal.Id], afterSkip.Select(c => c.JobId));
        Assert.Equal(first[0].Claim.ItemId, afterSkip[0].Claim.ItemId);
        Assert.DoesNotContain(first.Concat(then).Concat(afterSkip), c => c.JobId == later.Id);
    }

    [Fact]
    public async Task ClaimFromPool_PausedJob_NeverHandedOutUntilResumed()
    {
        await EmptyThePoolAsync();
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var paused = await factory.CreateJobWithItemsAsync(researcher, items: 50, answersPerItem: 1, priority: 10);
        var running = await factory.CreateJobWithItemsAsync(researcher, items: 50, answersPerItem: 1);
        var status = factory.Services.GetRequiredService<ChangeJobStatus>();
        var workers = (await factory.InsertWorkersAsync(13)).ToArray();
        Assert.True((await status.HandleAsync(paused.Id, paused.OrganisationId, JobAction.Pause)).IsSuccess);

        var whilePaused = await ClaimOnceEachAsync(workers[..10]);

        Assert.All(whilePaused, c => Assert.Equal(running.Id, c.JobId));

        Assert.True((await status.HandleAsync(running.Id, running.OrganisationId, JobAction.Pause)).IsSuccess);
        var nothing = await factory.Services.GetRequiredService<ClaimFromPool>().HandleAsync(workers[10].Id);

        Assert.Equal("no_work", nothing.Error?.Code);

        Assert.True((await status.HandleAsync(paused.Id, paused.OrganisationId, JobAction.Resume)).IsSuccess);
        var afterResume = await ClaimOnceEachAsync(workers[11..]);

        Assert.All(afterResume, c => Assert.Equal(paused.Id, c.JobId));
        Assert.Equal(10, (await factory.AssignmentsAsync(running.Id)).Count);
        Assert.Equal(2, (await factory.AssignmentsAsync(paused.Id)).Count);
    }

    [Fact]
    public async Task ClaimFromPool_WorkerAlreadyHoldsALease_HandsThatLeaseBackInsteadOfTakingAnotherSlot()
    {
        await EmptyThePoolAsync();
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var full = await factory.CreateJobWithItemsAsync(researcher, items: 1, answersPerItem: 1);
        var open = await factory.CreateJobWithItemsAsync(researcher, items: 10, answersPerItem: 1);
        var workers = await factory.InsertWorkersAsync(2);
        var pool = factory.Services.GetRequiredService<ClaimFromPool>();

        // The lease took the full job's last slot: the job has nothing open, but the worker still holds work there.
        var held = (await factory.ClaimAsync(full, workers[0])).Value!;
        var reload = await pool.HandleAsync(workers[0].Id);

        Assert.Equal((full.Id, held.AssignmentId), (reload.Value?.JobId, reload.Value?.Claim.AssignmentId));
        Assert.Empty(await factory.AssignmentsAsync(open.Id));

        // With open slots in both jobs, every reload still lands on the one lease the worker holds.
        await factory.ExecuteAsync("UPDATE items SET remaining_slots = 2 WHERE job_id = $1", full.Id);
        var first = (await pool.HandleAsync(workers[1].Id)).Value!;
        var reloads = new List<PoolClaim>();
        for (var i = 0; i < 20; i++)
        {
            reloads.Add((await pool.HandleAsync(workers[1].Id)).Value!);
        }

        Assert.All(reloads, r => Assert.Equal((first.JobId, first.Claim.AssignmentId), (r.JobId, r.Claim.AssignmentId)));
        Assert.Single((await factory.AssignmentsAsync(full.Id)).Concat(await factory.AssignmentsAsync(open.Id)), a => a.WorkerId == workers[1].Id);
    }

    [Fact]
    public void Order_SeededRandom_HighestPriorityFirstAndEqualPrioritiesEachFirstAboutHalfTheTime()
    {
        Guid low = Guid.CreateVersion7(), normal = Guid.CreateVersion7(), highA = Guid.CreateVersion7(), highB = Guid.CreateVersion7();
        (Guid, int)[] jobs = [(low, -1), (highA, 5), (normal, 0), (highB, 5)];
        var random = new Random(20_261_123);

        var orders = Enumerable.Range(0, 10_000).Select(_ => ClaimFromPool.Order(jobs, random).ToArray()).ToList();

        Assert.Equal(10_000, orders.Count(o => o[..2].Order().SequenceEqual(new[] { highA, highB }.Order()) && o[2..].SequenceEqual([normal, low])));
        Assert.InRange(orders.Count(o => o[0] == highA), 4_500, 5_500);
        Assert.Equal(ClaimFromPool.Order(jobs, new Random(7)), ClaimFromPool.Order(jobs, new Random(7)));
        Assert.Empty(ClaimFromPool.Order([], random));
    }

    /// <summary>One pool claim per worker, one after the other; fails if any finds no work.</summary>
    private async Task<List<PoolClaim>> ClaimOnceEachAsync(IEnumerable<AppUser> workers)
    {
        var pool = factory.Services.GetRequiredService<ClaimFromPool>();
        var claims = new List<PoolClaim>();
        foreach (var worker in workers)
        {
            var claim = await pool.HandleAsync(worker.Id);
            Assert.True(claim.IsSuccess, claim.Error?.Message);
            claims.Add(claim.Value!);
        }

        return claims;
    }

    private Task EmptyThePoolAsync() =>
        factory.ExecuteAsync("UPDATE jobs SET status = 'Cancelled' WHERE status IN ('Running', 'Paused')");
}
