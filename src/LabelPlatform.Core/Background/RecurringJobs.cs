using Hangfire;

using LabelPlatform.Queue.ExpireLeases;
using LabelPlatform.Review.Verdicts;

namespace LabelPlatform.Background;

/// <summary>Every recurring job, in one place.</summary>
public static class RecurringJobs
{
    public static void Register(IRecurringJobManager jobs, string settlementCron = "0 3 * * *")
    {
        jobs.AddOrUpdate<ExpireLeasesJob>("expire-leases", j => j.RunAsync(CancellationToken.None), Cron.Minutely());

        // A safety net: review workers also start a run within seconds of new answers (ReviewScheduler).
        jobs.AddOrUpdate<ReviewJob>("review-pending", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<Quality.FinalLabels.FinalLabelsSweep>("final-labels", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<Review.Batches.ExpireReviewBatchesJob>("expire-review-batches", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<Review.Prefilter.PrefilterSweep>("prefilter-sweep", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<Billing.Escrow.EscrowSweep>("escrow-sweep", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<Exports.Files.ExpireExportFilesJob>("expire-exports", j => j.RunAsync(CancellationToken.None), Cron.Hourly());
        jobs.AddOrUpdate<Billing.Settlement.SettlementJob>("settlement", j => j.RunAsync(CancellationToken.None), settlementCron);
    }
}
