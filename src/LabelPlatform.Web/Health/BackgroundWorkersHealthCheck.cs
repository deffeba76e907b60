using Hangfire;
using LabelPlatform.Background;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LabelPlatform.Web.Health;

/// <summary>Background servers are alive when their Hangfire heartbeat is recent; the review queue needs a worker process.</summary>
public sealed class BackgroundWorkersHealthCheck(JobStorage storage, TimeProvider clock) : IHealthCheck
{
    private static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromMinutes(1);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var servers = storage.GetMonitoringApi().Servers();
        var alive = servers.Where(s => s.Heartbeat is { } beat && now - beat < HeartbeatTimeout).ToList();
        var data = new Dictionary<string, object>
        {
            ["servers"] = alive.Select(s => new { name = s.Name, queues = s.Queues, workers = s.WorkersCount, heartbeat = s.Heartbeat }).ToList(),
        };

        bool Serves(string queue) => alive.Any(s => s.Queues.Contains(queue));
        var result = !Serves(BackgroundJobsSetup.DefaultQueue)
            ? HealthCheckResult.Unhealthy("No background server is serving the default queue.", data: data)
            : !Serves(BackgroundJobsSetup.ReviewQueue)
                ? HealthCheckResult.Degraded("No worker process is serving the review queue: start LabelPlatform.Worker.", data: data)
                : HealthCheckResult.Healthy($"{alive.Count} background server(s) alive.", data);
        return Task.FromResult(result);
    }
}
