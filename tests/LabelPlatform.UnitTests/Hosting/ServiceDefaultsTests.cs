using LabelPlatform.Background;
using LabelPlatform.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabelPlatform.UnitTests.Hosting;

public class ServiceDefaultsTests
{
    [Fact]
    public void AddServiceDefaults_WorkerLikeHost_BuildsWithEveryServiceResolvableAndTheDatabaseCheckReady()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:Default"] = "Host=127.0.0.1;Database=never_opened" });

        builder.AddServiceDefaults();
        builder.AddBackgroundJobs("worker", BackgroundJobsSetup.ReviewQueue); // as the worker's Program does
        using var host = builder.Build(); // ValidateOnBuild: a missing dependency fails here, not on first use

        var checks = host.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;
        var database = Assert.Single(checks, c => c.Name == "database");
        Assert.Contains(ServiceDefaults.ReadyTag, database.Tags);
        Assert.Contains(host.Services.GetServices<IHealthCheckPublisher>(), p => p is HealthLog);
    }

    [Theory]
    [InlineData(null, "simple")]
    [InlineData("json", "json")]
    public void AddServiceDefaults_ConsoleFormatter_SingleLineUnlessConfiguredOtherwise(string? configured, string expected)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = "Host=127.0.0.1;Database=never_opened",
            ["Logging:Console:FormatterName"] = configured,
        });

        builder.AddServiceDefaults();
        builder.AddBackgroundJobs("worker", BackgroundJobsSetup.ReviewQueue);
        using var host = builder.Build();

        var console = host.Services.GetRequiredService<IOptionsMonitor<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>>().CurrentValue;
        Assert.Equal(expected, console.FormatterName);
    }

    [Fact]
    public async Task HealthLog_StatusChanges_LogsEachChangeOnce()
    {
        var logger = new ListLogger();
        var log = new HealthLog(logger);

        await log.PublishAsync(Report(HealthStatus.Healthy), default);
        await log.PublishAsync(Report(HealthStatus.Unhealthy), default);
        await log.PublishAsync(Report(HealthStatus.Unhealthy), default);
        await log.PublishAsync(Report(HealthStatus.Healthy), default);

        Assert.Equal([LogLevel.Warning, LogLevel.Information], logger.Entries.Select(e => e.Level));
        Assert.Contains("database is Unhealthy: PostgreSQL cannot be reached.", logger.Entries[0].Message);
    }

    private static HealthReport Report(HealthStatus status) =>
        new(new Dictionary<string, HealthReportEntry>
        {
            ["database"] = new(status, status == HealthStatus.Healthy ? "ok" : "PostgreSQL cannot be reached.", TimeSpan.Zero, null, null),
        }, TimeSpan.Zero);

    private sealed class ListLogger : ILogger<HealthLog>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => NullScope.Instance;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));

        private sealed class NullScope : IDisposable
        {
            public static readonly NullScope Instance = new();

            public void Dispose()
            {
            }
        }
    }
}
