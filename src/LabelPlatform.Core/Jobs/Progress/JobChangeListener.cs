using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Jobs.Progress;

/// <summary>
/// LISTENs for job changes on one dedicated connection and passes them to this process's
/// <see cref="JobProgressNotifier"/>, at most a few times a second per job however busy the job
/// is. Idle, it waits on the socket: no polling.
/// </summary>
public sealed class JobChangeListener(NpgsqlDataSource dataSource, JobProgressNotifier notifier, ILogger<JobChangeListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(250);

    private readonly HashSet<Guid> _changed = [];
    private readonly Lock _gate = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var flushing = FlushLoopAsync(stoppingToken);
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {JobChanges.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                delay = TimeSpan.FromSeconds(1);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or System.IO.IOException or InvalidOperationException)
            {
                // The database restarted or the connection dropped: dashboards may have missed changes, so refresh them all.
                logger.LogWarning("Lost the job-change listener connection ({Message}); reconnecting in {Delay}", e.Message, delay);
                notifier.PublishAll();
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }

        await flushing;
    }

    private void OnNotification(string payload)
    {
        if (Guid.TryParse(payload, out var jobId))
        {
            lock (_gate)
            {
                _changed.Add(jobId);
            }
        }
    }

    private async Task FlushLoopAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(Coalesce);
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                Guid[] jobs;
                lock (_gate)
                {
                    if (_changed.Count == 0)
                    {
                        continue;
                    }

                    jobs = [.. _changed];
                    _changed.Clear();
                }

                foreach (var jobId in jobs)
                {
                    notifier.Publish(jobId);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
