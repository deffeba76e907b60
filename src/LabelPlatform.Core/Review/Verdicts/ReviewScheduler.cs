using Hangfire;
using Hangfire.States;
using LabelPlatform.Common;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Review.Verdicts;

/// <summary>
/// Runs in review workers: every two seconds, one indexed query asks whether answers wait for a
/// model; if so, and this worker's last <see cref="ReviewJob"/> has finished, it enqueues the next.
/// So answers are judged within seconds, without a Hangfire job per submission.
/// </summary>
public sealed class ReviewScheduler(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, JobStorage storage, ILogger<ReviewScheduler> logger) : BackgroundService
{
    private static readonly string AnyPendingSql = Sql.Named("Review/Verdicts/ReviewScheduler.sql", "AnyPending");

    private static readonly TimeSpan Every = TimeSpan.FromSeconds(2);

    private string? _lastJobId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await AnyPendingAsync(stoppingToken) && !LastJobStillRunning())
                {
                    _lastJobId = jobs.Enqueue<ReviewJob>(j => j.RunAsync(CancellationToken.None));
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                logger.LogWarning("Could not look for answers to review: {Reason}", e.Message);
            }
        }
    }

    private async Task<bool> AnyPendingAsync(CancellationToken ct)
    {
        await using var command = Sql.Command(dataSource, AnyPendingSql);
        return await command.ExecuteScalarAsync(ct) is true;
    }

    private bool LastJobStillRunning()
    {
        if (_lastJobId is null)
        {
            return false;
        }

        using var connection = storage.GetConnection();
        var state = connection.GetStateData(_lastJobId)?.Name;
        return state == EnqueuedState.StateName || state == ProcessingState.StateName || state == ScheduledState.StateName || state == AwaitingState.StateName;
    }
}
