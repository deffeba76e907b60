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

    public static IHostApplicationBuilder AddData(this IHostApplicationBuilder builder)
    {
        var connectionString = GetConnectionString(builder.Configuration);

        // One pool for EF and for the queue's hand-written SQL.
        builder.Services.AddSingleton(_ => new NpgsqlDataSourceBuilder(connectionString).Build());
        builder.Services.AddDbContextFactory<AppDbContext>((services, o) => o
            .UseNpgsql(services.GetRequiredService<NpgsqlDataSource>(), npgsql => npgsql.MigrationsAssembly(MigrationsAssembly))
            .UseSnakeCaseNamingConvention());
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
