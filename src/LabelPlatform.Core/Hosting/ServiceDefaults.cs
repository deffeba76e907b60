using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Hosting;

/// <summary>
/// What every LabelPlatform process sets up the same way, the web node and the review worker alike (the
/// idea of .NET Aspire's service defaults): the product's services (<see cref="ProductSetup.AddLabelPlatform"/>),
/// one log format, health checks with the database among them, and a service graph checked when the host
/// is built rather than on the first request that needs a missing service.
/// </summary>
public static class ServiceDefaults
{
    /// <summary>Tag of the checks a load balancer waits on before it sends traffic.</summary>
    public const string ReadyTag = "ready";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.AddLabelPlatform();

        // One line per entry with a UTC time, from every process, unless the configuration names a
        // formatter itself (`Logging:Console:FormatterName=json` for log shippers).
        if (string.IsNullOrEmpty(builder.Configuration["Logging:Console:FormatterName"]))
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            });
        }

        // Framework chatter off by default; appsettings and LOGGING__LOGLEVEL__* still override.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Hangfire", LogLevel.Warning);

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [ReadyTag]);

        // A process without an HTTP endpoint (the worker) still says when it turns unhealthy, in its log.
        builder.Services.AddSingleton<IHealthCheckPublisher, HealthLog>();

        builder.ConfigureContainer(new DefaultServiceProviderFactory(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true }));
        return builder;
    }
}

/// <summary>Writes a health check's change of status to the log (Warning when it goes bad, Information when it recovers).</summary>
internal sealed class HealthLog(ILogger<HealthLog> logger) : IHealthCheckPublisher
{
    private readonly Dictionary<string, HealthStatus> _last = [];

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        lock (_last)
        {
            foreach (var (name, entry) in report.Entries)
            {
                var before = _last.GetValueOrDefault(name, HealthStatus.Healthy);
                _last[name] = entry.Status;
                if (entry.Status != before)
                {
                    logger.Log(
                        entry.Status == HealthStatus.Healthy ? LogLevel.Information : LogLevel.Warning,
                        "Health check {Name} is {Status}: {Description}",
                        name,
                        entry.Status,
                        entry.Description);
                }
            }
        }

        return Task.CompletedTask;
    }
}
