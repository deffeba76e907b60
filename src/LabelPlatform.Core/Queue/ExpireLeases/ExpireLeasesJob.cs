using Hangfire;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Queue.ExpireLeases;

/// <summary>Lives in Core so every Hangfire server (web or worker) can load it.</summary>
[Queue(Background.BackgroundJobsSetup.DefaultQueue)]
public sealed class ExpireLeasesJob(ExpireLeases expireLeases, ILogger<ExpireLeasesJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var returned = await expireLeases.HandleAsync(cancellationToken);
        if (returned > 0)
        {
            logger.LogInformation("Returned {Count} expired leases to the queue", returned);
        }
    }
}
