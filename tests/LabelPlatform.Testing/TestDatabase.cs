using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit;

namespace LabelPlatform.Testing;

/// <summary>A fresh, migrated database on the PostgreSQL that ./test.sh starts; dropped afterwards.</summary>
public sealed class TestDatabase : IAsyncLifetime
{
    public string ConnectionString { get; private set; } = "";

    public string Name { get; } = "lp_test_" + Guid.NewGuid().ToString("N")[..12];

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable("LP_TEST_POSTGRES")
        ?? throw new InvalidOperationException("LP_TEST_POSTGRES is not set: run the tests through ./test.sh, which starts a private PostgreSQL.");

    public async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(ServerConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = Name, Pooling = true }.ConnectionString;
        await using var db = CreateContext();
        await db.Database.MigrateAsync();
    }

    public AppDbContext CreateContext()
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, ConnectionString);
        return new AppDbContext(options.Options);
    }

    public async Task DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(ServerConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
