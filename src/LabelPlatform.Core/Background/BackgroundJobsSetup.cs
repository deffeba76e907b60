using Hangfire;
using Hangfire.PostgreSql;
using LabelPlatform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Background;

public static class BackgroundJobsSetup
{
    public const string DefaultQueue = "default";
    public const string ReviewQueue = "review";

    /// <summary>Hangfire on the platform's own Postgres; this process serves the given queues.</summary>
    public static IHostApplicationBuilder AddBackgroundJobs(this IHostApplicationBuilder builder, string role, params string[] queues)
    {
        var connectionString = DataSetup.GetConnectionString(builder.Configuration);
        builder.Services.AddHangfire((services, c) => c
            .UseLogProvider(new HostLogProvider(services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(
                o => o.UseNpgsqlConnection(connectionString),
                new PostgreSqlStorageOptions
                {
                    SchemaName = "hangfire",
                    PrepareSchemaIfNecessary = true,
                    // Idle servers wait for PostgreSQL NOTIFY instead of polling every couple of seconds.
                    EnableLongPolling = true,
                    QueuePollInterval = TimeSpan.FromSeconds(15),
                }));

        if (builder.Configuration.GetValue("BackgroundJobs:Enabled", true))
        {
            builder.Services.AddHangfireServer(o =>
            {
                o.ServerName = $"{role}:{Environment.MachineName}:{Environment.ProcessId}";
                o.Queues = queues;
                o.WorkerCount = builder.Configuration.GetValue("BackgroundJobs:WorkerCount", Math.Max(2, Environment.ProcessorCount));
            });
        }

        return builder;
    }
}
