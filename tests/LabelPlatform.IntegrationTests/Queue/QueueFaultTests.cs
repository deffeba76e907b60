using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.ExpireLeases;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace LabelPlatform.IntegrationTests.Queue;

public class QueueFaultTests(OutageFactory factory, ITestOutputHelper output) : IClassFixture<OutageFactory>
{
    private const string TerminateSql = """
        SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))
        FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
        """;

    [Fact]
    public async Task ExpireLeases_WorkerVanishedHoldingLeases_SlotsReturnAndTheJobStillCompletes()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 6, answersPerItem: 2);
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(4);
        var (vanished, others) = (workers[0], workers.Skip(1).ToList());
        var expireLeases = factory.Services.GetRequiredService<ExpireLeases>();

        // The worker's process dies right after its claim: nobody submits, skips or heartbeats for it.
        var held = await factory.Services.GetRequiredService<ClaimNextItem>().HandleBatchAsync(job.Id, vanished.Id, 3);
        Assert.Equal(3, held.Value?.Count);
        await AnswerUntilNoWorkAsync(job, others);

        Assert.Equal(JobStatus.Running, await factory.JobStatusAsync(job.Id));
        Assert.All(await factory.ItemsAsync(job.Id), i => Assert.Equal(0, i.RemainingSlots));
        Assert.Equal(0, await expireLeases.HandleAsync());
        await factory.ExecuteAsync("UPDATE assignments SET lease_expires_at = now() - interval '1 minute' WHERE worker_id = $1", vanished.Id);

        var returned = await expireLeases.HandleAsync();

        Assert.Equal(3, returned);
        Assert.Equal([1, 1, 1, 0, 0, 0], (await factory.ItemsAsync(job.Id)).Select(i => i.RemainingSlots));
        Assert.All(await factory.AssignmentsAsync(job.Id), a => Assert.Equal(a.WorkerId == vanished.Id ? AssignmentStatus.Expired : AssignmentStatus.Submitted, a.Status));
        Assert.Equal(items.Take(3).Select(i => i.Id).Order(), held.Value!.Select(c => c.ItemId).Order());

        await AnswerUntilNoWorkAsync(job, others);

        await factory.AssertEverySlotAnsweredExactlyOnceAsync(job);
        Assert.Equal(0, await expireLeases.HandleAsync());
    }

    [Fact]
    public async Task Claim_AnotherWorkersLeaseRanOutAndNoSweepRan_HandsOutTheReturnedSlot()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2, answersPerItem: 1);
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(2);
        var (vanished, next) = (workers[0], workers[1]);
        var lease = (await factory.ClaimAsync(job, vanished)).Value!;
        Assert.Equal(items[0].Id, lease.ItemId);
        await factory.ExpireLeaseAsync(lease.AssignmentId);

        var claim = await factory.ClaimAsync(job, next);

        Assert.Equal(items[0].Id, claim.Value?.ItemId);
        Assert.Equal(AssignmentStatus.Expired, (await factory.AssignmentAsync(lease.AssignmentId)).Status);
        Assert.Equal([0, 1], (await factory.ItemsAsync(job.Id)).Select(i => i.RemainingSlots));
        Assert.True((await factory.SubmitAsync(claim.Value!, next, "cat")).IsSuccess);
        await AnswerUntilNoWorkAsync(job, [next]);
        await factory.AssertEverySlotAnsweredExactlyOnceAsync(job);
        Assert.Equal(0, await factory.Services.GetRequiredService<ExpireLeases>().HandleAsync());
    }

    [Fact]
    public async Task ClaimAndSubmit_ConnectionsKilledUnderLoad_WorkersRetryAndEverySlotIsAnsweredOnce()
    {
        const int itemCount = 1_000, answersPerItem = 3, slots = itemCount * answersPerItem;
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), itemCount, answersPerItem);
        var crowd = new ResilientCrowd(factory, job, await factory.InsertWorkersAsync(50));
        await using var admin = await factory.OpenUnpooledConnectionAsync();

        var run = crowd.RunAsync();
        var terminated = new List<long>();
        foreach (var share in new[] { 0.1, 0.25, 0.4, 0.55, 0.7 })
        {
            await crowd.WaitForAnswersAsync((int)(slots * share), run);
            await using var kill = new NpgsqlCommand(TerminateSql, admin);
            terminated.Add((long)(await kill.ExecuteScalarAsync())!);
        }

        await run.WaitAsync(TimeSpan.FromMinutes(3));

        output.WriteLine($"Backends terminated per kill: {string.Join(", ", terminated)}; faults the workers retried: {crowd.Faults.Count}");
        foreach (var fault in crowd.Faults.GroupBy(f => f).OrderByDescending(g => g.Count()).Take(10))
        {
            output.WriteLine($"  {fault.Count()} × {fault.Key}");
        }

        Assert.All(terminated, n => Assert.True(n > 0, "a kill found no backend of the test database to terminate"));
        Assert.NotEmpty(crowd.Faults);
        Assert.Equal(slots, crowd.Answered);
        await factory.AssertEverySlotAnsweredExactlyOnceAsync(job);
    }

    private async Task AnswerUntilNoWorkAsync(Job job, IReadOnlyList<AppUser> workers)
    {
        var claimNext = factory.Services.GetRequiredService<ClaimNextItem>();
        var submit = factory.Services.GetRequiredService<SubmitAnswer>();
        foreach (var worker in workers)
        {
            while ((await claimNext.HandleAsync(job.Id, worker.Id)) is { IsSuccess: true, Value: { } lease })
            {
                var submitted = await submit.HandleAsync(lease.AssignmentId, worker.Id, Answer.OneLabel("dog"));
                Assert.True(submitted.IsSuccess, submitted.Error?.Message);
            }
        }
    }
}
