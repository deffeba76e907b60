using Hangfire;
using LabelPlatform.Common;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Review.Prefilter;

/// <summary>
/// Goes over a pre-filter run's items batch after batch on the review queue. Each batch commits with
/// the run's progress, so a retried or duplicated job carries on where the last commit left off.
/// </summary>
[Queue(Background.BackgroundJobsSetup.ReviewQueue)]
public sealed class PrefilterJob(PrefilterBatch batch, ILogger<PrefilterJob> logger)
{
    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid runId, CancellationToken cancellationToken)
    {
        try
        {
            while (await batch.RunOnceAsync(runId, cancellationToken) > 0)
            {
            }
        }
        catch (Exception e) when (e is Microsoft.ML.OnnxRuntime.OnnxRuntimeException or InvalidDataException)
        {
            // The model itself fails: retrying cannot help, and the researcher needs to know why.
            logger.LogError(e, "Pre-filter run {RunId} failed", runId);
            await batch.FailAsync(runId, $"The model failed: {e.Message}", cancellationToken);
        }
    }
}

/// <summary>
/// The safety net for a run whose job was lost (a crash between saving the run and queueing it):
/// every minute, runs still going get a job. Two jobs on one run take turns on the run's row lock.
/// </summary>
[Queue(Background.BackgroundJobsSetup.ReviewQueue)]
public sealed class PrefilterSweep(Npgsql.NpgsqlDataSource dataSource, IBackgroundJobClient jobs)
{
    private static readonly string StalledRunsSql = Sql.Named("Review/Prefilter/PrefilterJob.sql", "StalledRuns");

    [AutomaticRetry(Attempts = 0)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Only runs that have not moved for a minute: a run being worked on moves every batch.
        await using var command = Sql.Command(dataSource, StalledRunsSql);
        var ids = new List<Guid>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        foreach (var id in ids)
        {
            jobs.Enqueue<PrefilterJob>(j => j.RunAsync(id, CancellationToken.None));
        }
    }
}
