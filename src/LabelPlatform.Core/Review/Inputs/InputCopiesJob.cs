using Hangfire;

namespace LabelPlatform.Review.Inputs;

/// <summary>Makes a job's missing model-sized input copies on the review queue (see <see cref="MakeInputCopies"/>); safe to run twice.</summary>
[Queue(Background.BackgroundJobsSetup.ReviewQueue)]
public sealed class InputCopiesJob(MakeInputCopies copies)
{
    [AutomaticRetry(Attempts = 3)]
    public Task RunAsync(Guid jobId, CancellationToken cancellationToken) => copies.RunAsync(jobId, parallelism: 1, cancellationToken);
}
