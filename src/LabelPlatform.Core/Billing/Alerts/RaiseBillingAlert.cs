using LabelPlatform.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Billing.Alerts;

/// <summary>Writes an alert for the admins' billing desk (and the log); the same open alert is not written twice.</summary>
public sealed class RaiseBillingAlert(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<RaiseBillingAlert> logger)
{
    private static readonly string InsertSql = Sql.Named("Billing/Alerts/RaiseBillingAlert.sql", "Insert");

    public async Task HandleAsync(string kind, string message, CancellationToken ct = default)
    {
        logger.LogError("Billing alert {Kind}: {Message}", kind, message);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await WriteAsync(connection, null, kind, message, clock.GetUtcNow(), ct);
    }

    /// <summary>In the caller's transaction, so the alert stands or falls with what it reports.</summary>
    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string kind, string message, DateTimeOffset now, CancellationToken ct) =>
        Sql.ExecuteAsync(connection, tx, InsertSql, ct, kind, message.Length <= 1000 ? message : message[..1000], now);
}
