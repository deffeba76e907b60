using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Testing;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>The exactly-once promise, checked against what the database holds once a job has run.</summary>
public static class QueueChecks
{
    /// <summary>
    /// Every item answered exactly answers-per-item times, each time by a different worker; no lease
    /// left behind; each item's counters agree with its answers; the job completed.
    /// </summary>
    public static async Task AssertEverySlotAnsweredExactlyOnceAsync(this LabelPlatformFactory factory, Job job)
    {
        // Faults may have killed connections idling in this test's pool; start the checks on fresh ones.
        using (var pooled = new NpgsqlConnection(factory.Database.ConnectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        var items = await factory.ItemsAsync(job.Id);
        var assignments = await factory.AssignmentsAsync(job.Id);
        var submitted = assignments.Where(a => a.Status == AssignmentStatus.Submitted).ToList();
        var submittedPerItem = submitted.GroupBy(a => a.ItemId).ToDictionary(g => g.Key, g => g.Count());

        var repeated = assignments.GroupBy(a => (a.ItemId, a.WorkerId)).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"{repeated.Count} (item, worker) pairs have more than one assignment, e.g. {string.Join(", ", repeated.Take(3))}");
        Assert.DoesNotContain(assignments, a => a.Status == AssignmentStatus.Leased);
        Assert.Equal(items.Count * job.AnswersPerItem, submitted.Count);

        var wrong = items
            .Where(i => submittedPerItem.GetValueOrDefault(i.Id) != job.AnswersPerItem || i.RemainingSlots != 0)
            .Select(i => $"#{i.Ordinal}: {submittedPerItem.GetValueOrDefault(i.Id)} submitted, remaining_slots {i.RemainingSlots}")
            .ToList();
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {items.Count} items are not answered exactly {job.AnswersPerItem} times, e.g. {string.Join("; ", wrong.Take(5))}");
        Assert.All(submitted, a => Assert.NotNull(a.Label));
        Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
    }
}
