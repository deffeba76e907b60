using System.Collections.Concurrent;
using System.Diagnostics;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace LabelPlatform.IntegrationTests.Queue;

public class QueueConcurrencyTests(LabelPlatformFactory factory, ITestOutputHelper output) : IClassFixture<LabelPlatformFactory>
{
    // Checked in one statement, so in one snapshot: an item's open slots, live leases and answers
    // always add up to its answers per item, and it never has more leases and answers than that.
    private const string BrokenItemsSql = """
        SELECT i.ordinal, i.remaining_slots,
               count(*) FILTER (WHERE a.status = 'Leased') AS leased,
               count(*) FILTER (WHERE a.status = 'Submitted') AS submitted
        FROM items i LEFT JOIN assignments a ON a.item_id = i.id
        WHERE i.job_id = $1
        GROUP BY i.id
        HAVING i.remaining_slots + count(*) FILTER (WHERE a.status IN ('Leased', 'Submitted')) <> $2
            OR count(*) FILTER (WHERE a.status IN ('Leased', 'Submitted')) > $2
        LIMIT 5
        """;

    [Fact]
    public async Task ClaimAndSubmit_200WorkersOver10000Slots_EverySlotAnsweredOnceByDifferentWorkers()
    {
        const int itemCount = 3_334, answersPerItem = 3, workerCount = 200, slots = itemCount * answersPerItem;
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), itemCount, answersPerItem);
        var workers = await factory.InsertWorkersAsync(workerCount);
        var claimNext = factory.Services.GetRequiredService<ClaimNextItem>();
        var submit = factory.Services.GetRequiredService<SubmitAnswer>();

        var handedOut = new ConcurrentDictionary<Guid, string>();
        var problems = new ConcurrentQueue<string>();
        var endings = new ConcurrentBag<string>();
        using var sampling = new CancellationTokenSource();
        var sampler = SampleBrokenItemsAsync(job.Id, answersPerItem, sampling.Token);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(workers.Select(worker => Task.Run(async () =>
        {
            var mine = new HashSet<Guid>();
            while (true)
            {
                var claim = await claimNext.HandleAsync(job.Id, worker.Id);
                if (!claim.IsSuccess)
                {
                    endings.Add(claim.Error!.Code);
                    return;
                }

                var lease = claim.Value!;
                if (!handedOut.TryAdd(lease.AssignmentId, worker.Id))
                {
                    problems.Enqueue($"assignment {lease.AssignmentId} handed to {worker.Id} after {handedOut[lease.AssignmentId]}");
                }

                if (!mine.Add(lease.ItemId))
                {
                    problems.Enqueue($"item {lease.ItemId} handed to {worker.Id} twice");
                }

                var submitted = await submit.HandleAsync(lease.AssignmentId, worker.Id, Answer.OneLabel(job.Labels[mine.Count % job.Labels.Count]));
                if (!submitted.IsSuccess)
                {
                    problems.Enqueue($"{worker.Id} could not submit {lease.AssignmentId}: {submitted.Error!.Code}");
                }
            }
        })));
        clock.Stop();
        await sampling.CancelAsync();
        var (samples, broken) = await sampler;

        output.WriteLine($"{workerCount} workers answered {slots} slots in {clock.Elapsed.TotalSeconds:0.0} s ({slots / clock.Elapsed.TotalSeconds:0} claim+submit cycles/s); {samples} consistency samples taken while they worked");
        Assert.Empty(problems);
        Assert.True(samples > 0, "the sampler never looked at the items while the workers were busy");
        Assert.Empty(broken);
        Assert.Equal(slots, handedOut.Count);
        Assert.Equal(workerCount, endings.Count);
        Assert.All(endings, code => Assert.Contains(code, new[] { "no_work", "conflict" }));
        await factory.AssertEverySlotAnsweredExactlyOnceAsync(job);
    }

    [Fact]
    public async Task ClaimBatch_TenThenAgainWhileHoldingThem_SameTenItemsAndNoNewSlotsTaken()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 30, answersPerItem: 2);
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(2);
        var claimNext = factory.Services.GetRequiredService<ClaimNextItem>();

        var first = await claimNext.HandleBatchAsync(job.Id, workers[0].Id, 10);
        var again = await claimNext.HandleBatchAsync(job.Id, workers[0].Id, 10);
        var askingForMore = await claimNext.HandleBatchAsync(job.Id, workers[0].Id, 25);

        Assert.True(first.IsSuccess, first.Error?.Message);
        Assert.Equal(items.Take(10).Select(i => i.Id).Order(), first.Value!.Select(c => c.ItemId).Order());
        Assert.Equal(first.Value!.Select(c => c.AssignmentId).Order(), again.Value!.Select(c => c.AssignmentId).Order());
        Assert.Equal(first.Value!.Select(c => c.AssignmentId).Order(), askingForMore.Value!.Select(c => c.AssignmentId).Order());
        Assert.Equal(10, (await factory.AssignmentsAsync(job.Id)).Count);
        Assert.Equal(60 - 10, (await factory.ItemsAsync(job.Id)).Sum(i => i.RemainingSlots));

        var clamped = await claimNext.HandleBatchAsync(job.Id, workers[1].Id, 25);

        Assert.True(clamped.IsSuccess, clamped.Error?.Message);
        Assert.Equal(10, clamped.Value!.Count);
        Assert.Equal(10, clamped.Value!.Select(c => c.ItemId).Distinct().Count());
        Assert.Equal(20, (await factory.AssignmentsAsync(job.Id)).Count);
        Assert.Equal(60 - 20, (await factory.ItemsAsync(job.Id)).Sum(i => i.RemainingSlots));
    }

    /// <summary>Checks the items over and over until cancelled; returns how many checks ran and what they found broken.</summary>
    private async Task<(int Samples, List<string> Broken)> SampleBrokenItemsAsync(Guid jobId, int answersPerItem, CancellationToken ct)
    {
        var broken = new List<string>();
        var samples = 0;
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        while (!ct.IsCancellationRequested)
        {
            await using (var check = new NpgsqlCommand(BrokenItemsSql, connection))
            {
                check.Parameters.Add(new NpgsqlParameter { Value = jobId });
                check.Parameters.Add(new NpgsqlParameter { Value = answersPerItem });
                await using var reader = await check.ExecuteReaderAsync(CancellationToken.None);
                while (await reader.ReadAsync(CancellationToken.None))
                {
                    broken.Add($"#{reader.GetInt32(0)}: remaining {reader.GetInt32(1)}, leased {reader.GetInt64(2)}, submitted {reader.GetInt64(3)}");
                }
            }

            samples++;
            await Task.Delay(100, ct).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        return (samples, broken);
    }
}
