using System.Collections.Concurrent;
using LabelPlatform.Accounts;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>
/// Simulated workers that claim and submit in a loop through a database outage: an exception from a
/// claim or a submit means "the server did not answer", so the worker repeats the same step, as a
/// browser would retry a request. A repeated submit carries the same answer; a repeated claim must
/// hand back the lease the first attempt may already have taken.
/// </summary>
public sealed class ResilientCrowd(LabelPlatformFactory factory, Job job, IReadOnlyList<AppUser> workers)
{
    // Long enough to ride out a PostgreSQL restart; a step failing for longer than this is a hang, not an outage.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private int _answered;

    public int Answered => Volatile.Read(ref _answered);

    /// <summary>Each exception a worker retried, as "Type: message".</summary>
    public ConcurrentQueue<string> Faults { get; } = new();

    public ConcurrentBag<string> Endings { get; } = [];

    public Task RunAsync() => Task.WhenAll(workers.Select(worker => Task.Run(() => WorkAsync(worker))));

    /// <summary>Waits until <paramref name="answers"/> answers are in; fails if the run ends first.</summary>
    public async Task WaitForAnswersAsync(int answers, Task run)
    {
        while (Answered < answers)
        {
            Assert.False(run.IsCompleted, $"The crowd finished (or failed) before reaching {answers} answers: {run.Exception?.GetBaseException().Message}");
            await Task.Delay(2);
        }
    }

    private async Task WorkAsync(AppUser worker)
    {
        var claimNext = factory.Services.GetRequiredService<ClaimNextItem>();
        var submit = factory.Services.GetRequiredService<SubmitAnswer>();
        var answeredItems = new HashSet<Guid>();
        while (true)
        {
            var claim = await RetryAsync(() => claimNext.HandleAsync(job.Id, worker.Id));
            if (!claim.IsSuccess)
            {
                Assert.Contains(claim.Error!.Code, new[] { "no_work", "conflict" });
                Endings.Add(claim.Error.Code);
                return;
            }

            var lease = claim.Value!;
            Assert.True(answeredItems.Add(lease.ItemId), $"{worker.Id} was handed item {lease.ItemId} a second time");
            var label = job.Labels[answeredItems.Count % job.Labels.Count];
            var submitted = await RetryAsync(() => submit.HandleAsync(lease.AssignmentId, worker.Id, Answer.OneLabel(label)));
            Assert.True(submitted.IsSuccess, $"{worker.Id} submitting {lease.AssignmentId}: {submitted.Error?.Code} {submitted.Error?.Message}");
            Interlocked.Increment(ref _answered);
        }
    }

    private async Task<Result<T>> RetryAsync<T>(Func<Task<Result<T>>> step)
    {
        var giveUp = DateTime.UtcNow + Patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (Exception e) when (DateTime.UtcNow < giveUp)
            {
                Faults.Enqueue($"{e.GetType().Name}: {e.Message}");
                await Task.Delay(Math.Min(10 * attempt, 200) + Random.Shared.Next(10));
            }
        }
    }
}
