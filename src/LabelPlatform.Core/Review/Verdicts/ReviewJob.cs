using Hangfire;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Review.Verdicts;

/// <summary>
/// Drains the answers waiting for review, batch after batch, on the review queue (served by the
/// worker process). Runs every minute and whenever new answers wait; any number may run at once
/// on any number of workers (SKIP LOCKED shares the batches), and a retried run is harmless.
/// </summary>
[Queue(Background.BackgroundJobsSetup.ReviewQueue)]
public sealed class ReviewJob(ReviewPending review, ILogger<ReviewJob> logger)
{
    /// <summary>Batches one run takes before it lets the next run start afresh.</summary>
    public const int MaxBatchesPerRun = 1_000;

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            var reviewed = await review.RunOnceAsync(cancellationToken);
            if (reviewed == 0)
            {
                break;
            }

            total += reviewed;
        }

        if (total > 0)
        {
            logger.LogInformation("Reviewed {Count} answers", total);
        }
    }
}
