using Hangfire;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Review.Batches;

/// <summary>The recurring sweep of <see cref="ExpireReviewBatches"/>; claims also expire batches, so this only keeps the overview honest between claims.</summary>
[Queue(Background.BackgroundJobsSetup.DefaultQueue)]
public sealed class ExpireReviewBatchesJob(ExpireReviewBatches expire, ILogger<ExpireReviewBatchesJob> logger)
{
    [DisableConcurrentExecution(timeoutInSeconds: 60)]
    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var expired = await expire.HandleAsync(cancellationToken);
        if (expired > 0)
        {
            logger.LogInformation("Returned {Count} abandoned review batches to the reviewers' queue", expired);
        }
    }
}
