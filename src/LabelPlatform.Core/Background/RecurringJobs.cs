using Hangfire;

using LabelPlatform.Queue.ExpireLeases;

namespace LabelPlatform.Background;

/// <summary>Every recurring job, in one place.</summary>
public static class RecurringJobs
{
    public static void Register(IRecurringJobManager jobs)
    {
        jobs.AddOrUpdate<ExpireLeasesJob>("expire-leases", j => j.RunAsync(CancellationToken.None), Cron.Minutely());
    }
}
