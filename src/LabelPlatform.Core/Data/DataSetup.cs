using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

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
        builder.Services.AddDbContextFactory<AppDbContext>(o => Configure(o, connectionString));
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }
}
