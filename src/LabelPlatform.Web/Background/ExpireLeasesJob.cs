using Hangfire;
using LabelPlatform.Queue.ExpireLeases;

namespace LabelPlatform.Web.Background;

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
