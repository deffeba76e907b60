using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace LabelPlatform.Data;

public static class DataSetup
{
    public const string MigrationsAssembly = "LabelPlatform.Migrations";

    public static string GetConnectionString(IConfiguration configuration) =>
        configuration.GetConnectionString("Default")
        ?? throw new InvalidOperationException(
            "No database configured: set ConnectionStrings__Default (./run.sh and ./test.sh do this for you).");

    public static void Configure(DbContextOptionsBuilder options, string connectionString) =>
        options
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention();

    /// <summary>
    /// Statements that run again and again (the queue's above all) are prepared on each pooled
    /// connection after their second use, so PostgreSQL plans them once per connection instead of
    /// on every call: planning was the largest single cost of a claim (about 6,300 claim+submit
    /// cycles/s without, 9,700–11,000 with, on 2 cores). A connection string that sets
    /// <c>Max Auto Prepare</c> itself keeps its own value.
    /// </summary>
    public static string WithAutoPrepare(string connectionString)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.ContainsKey("Max Auto Prepare") || given.ContainsKey("MaxAutoPrepare"))
        {
            return connectionString;
        }

        var tuned = new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 };
        return tuned.ConnectionString;
    }

    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var connectionString = GetConnectionString(builder.Configuration);

        // One pool for EF and for the queue's hand-written SQL.
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(WithAutoPrepare(connectionString)).Build());
        builder.Services.AddDbContextFactory<AppDbContext>((services, o) => o
            .UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention());
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
