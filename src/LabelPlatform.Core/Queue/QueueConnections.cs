using LabelPlatform.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Queue;

/// <summary>
/// The claim and submit lines' own connections: a pool no larger than the lines, so each line runs
/// its one transaction at a time on a connection that has run it many times before. Drawn from the
/// process's shared pool (hundreds of connections under load, handed out in turn), a line's next
/// transaction landed on a connection that had not yet prepared its statements or planned the ledger
/// function's queries, and PostgreSQL spent most of its time planning: measured at 200 workers on 2
/// cores, 300–570 claim+submit cycles/s from the shared pool of 200 against 2,200 from a pool of 20
/// (ADR 0019).
/// </summary>
public sealed class QueueConnections : IAsyncDisposable
{
    public QueueConnections(IConfiguration configuration, IOptions<QueueOptions> options)
    {
        var lines = Math.Clamp(options.Value.ClaimLines, 1, 64) + Math.Clamp(options.Value.SubmitLines, 1, 255);
        var connectionString = new NpgsqlConnectionStringBuilder(DataSetup.WithAutoPrepare(DataSetup.GetConnectionString(configuration)))
        {
            MinPoolSize = 0,
            MaxPoolSize = lines,
            ApplicationName = "labelplatform-queue",
        };
        DataSource = new NpgsqlDataSourceBuilder(connectionString.ConnectionString).Build();
    }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
