using System.Text.Json.Nodes;
using LabelPlatform.Common;
using LabelPlatform.Common.Events;
using LabelPlatform.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Webhooks;

/// <summary>
/// One round of the sender: notices funds that fell below a threshold, turns new events into one delivery per
/// subscribed endpoint (items.settled gathered per job), then tries every delivery that is due. Safe on many
/// nodes at once: events and deliveries are taken with SKIP LOCKED, and a delivery being tried is leased.
/// </summary>
public sealed class WebhookDeliveryRound(
    NpgsqlDataSource dataSource, IDbContextFactory<AppDbContext> dbFactory, WebhookSender sender, WebhookSignal signal, IDataProtectionProvider protection,
    IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDeliveryRound> logger)
{
    /// <summary>Items per items.settled delivery; a larger batch goes in several.</summary>
    public const int ItemsPerEvent = 500;

    private const int SendsPerRound = 32;

    private const int SendsAtOnce = 8;

    private static readonly string PendingEventsSql = Sql.Named("Webhooks/Webhooks.sql", "PendingEvents");
    private static readonly string SubscribersSql = Sql.Named("Webhooks/Webhooks.sql", "Subscribers");
    private static readonly string InsertDeliveriesSql = Sql.Named("Webhooks/Webhooks.sql", "InsertDeliveries");
    private static readonly string MarkFannedOutSql = Sql.Named("Webhooks/Webhooks.sql", "MarkFannedOut");
    private static readonly string ClaimDueSql = Sql.Named("Webhooks/Webhooks.sql", "ClaimDue");
    private static readonly string RecordAttemptSql = Sql.Named("Webhooks/Webhooks.sql", "RecordAttempt");
    private static readonly string BalanceLowSql = Sql.Named("Webhooks/Webhooks.sql", "BalanceLow");
    private static readonly string CleanupSql = Sql.Named("Webhooks/Webhooks.sql", "Cleanup");
    private static readonly string GoldPoolLowSql = Sql.Named("Webhooks/Webhooks.sql", "GoldPoolLow");

    private readonly IDataProtector _secrets = WebhookSecrets.Protector(protection);

    /// <returns>How many tries it made.</returns>
    public async Task<int> RunAsync(CancellationToken ct)
    {
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        {
            var now = clock.GetUtcNow();
            await Sql.ExecuteAsync(connection, null, BalanceLowSql, ct, now);
            // Gold pools change slowly, and a look reads every running job's gold: not every round.
            if (signal.GoldPoolLookDue(now, options.Value.GoldPoolInterval))
            {
                await Sql.ExecuteAsync(connection, null, GoldPoolLowSql, ct, now);
            }
        }

        while (await FanOutAsync(ct) > 0)
        {
        }

        var tries = 0;
        int sent;
        do
        {
            sent = await SendDueAsync(ct);
            tries += sent;
        }
        while (sent == SendsPerRound);
        return tries;
    }

    /// <summary>Deletes old events and deliveries (the sender runs it hourly).</summary>
    public async Task CleanupAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await Sql.ExecuteAsync(connection, null, CleanupSql, ct, clock.GetUtcNow());
    }

    private sealed record PendingEvent(long Id, Guid EventId, Guid OrganisationId, string Type, Guid? JobId, string Data, DateTimeOffset CreatedAt);

    private sealed record Delivery(Guid EndpointId, Guid OrganisationId, Guid EventId, string Type, string Payload);

    private async Task<int> FanOutAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var events = new List<PendingEvent>();
        await using (var read = Sql.Command(connection, tx, PendingEventsSql, now - options.Value.SettledBatchWindow))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                events.Add(new PendingEvent(reader.GetInt64(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetGuid(4), reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6)));
            }
        }

        if (events.Count == 0)
        {
            return 0;
        }

        var subscribers = new List<(Guid Id, Guid OrganisationId, string[] Events)>();
        await using (var read = Sql.Command(connection, tx, SubscribersSql, events.Select(e => e.OrganisationId).Distinct().ToArray()))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                subscribers.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<string[]>(2)));
            }
        }

        var deliveries = new List<Delivery>();
        foreach (var (organisationId, type, eventId, createdAt, data) in Envelopes(events))
        {
            var payload = WebhookPayload.Envelope(eventId, type, createdAt, organisationId, data);
            deliveries.AddRange(subscribers.Where(s => s.OrganisationId == organisationId && s.Events.Contains(type))
                .Select(s => new Delivery(s.Id, organisationId, eventId, type, payload)));
        }

        if (deliveries.Count > 0)
        {
            await using var insert = Sql.Command(connection, tx, InsertDeliveriesSql,
                deliveries.Select(_ => Guid.CreateVersion7()).ToArray(), deliveries.Select(d => d.EndpointId).ToArray(),
                deliveries.Select(d => d.OrganisationId).ToArray(), deliveries.Select(d => d.EventId).ToArray(),
                deliveries.Select(d => d.Type).ToArray(), deliveries.Select(d => d.Payload).ToArray(), now, now + options.Value.GiveUpAfter);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await Sql.ExecuteAsync(connection, tx, MarkFannedOutSql, ct, events.Select(e => e.Id).ToArray(), now);
        await tx.CommitAsync(ct);
        return events.Count;
    }

    /// <summary>Every event as it goes out; a job's items.settled events become one (or a few, <see cref="ItemsPerEvent"/> items each).</summary>
    private static IEnumerable<(Guid OrganisationId, string Type, Guid EventId, DateTimeOffset CreatedAt, string Data)> Envelopes(List<PendingEvent> events)
    {
        foreach (var e in events.Where(e => e.Type != OrganisationEventTypes.ItemsSettled))
        {
            yield return (e.OrganisationId, e.Type, e.EventId, e.CreatedAt, e.Data);
        }

        foreach (var job in events.Where(e => e.Type == OrganisationEventTypes.ItemsSettled).GroupBy(e => (e.OrganisationId, e.JobId)))
        {
            // The latest word on each item wins (an item can settle, change and settle again within the window).
            var items = new Dictionary<string, JsonNode>();
            foreach (var e in job)
            {
                foreach (var item in JsonNode.Parse(e.Data)?["items"]?.AsArray() ?? [])
                {
                    if (item?["id"]?.GetValue<string>() is { } id)
                    {
                        items.Remove(id);
                        items[id] = item.DeepClone();
                    }
                }
            }

            var last = job.Max(e => e.CreatedAt);
            var first = job.First();
            foreach (var chunk in items.Values.Chunk(ItemsPerEvent))
            {
                var data = new JsonObject { ["job_id"] = job.Key.JobId?.ToString(), ["items"] = new JsonArray(chunk) };
                yield return (job.Key.OrganisationId, OrganisationEventTypes.ItemsSettled, job.Count() == 1 && items.Count <= ItemsPerEvent ? first.EventId : Guid.CreateVersion7(), last, data.ToJsonString());
            }
        }
    }

    private sealed record Due(Guid Id, Guid EndpointId, Guid EventId, string EventType, string Payload, int Attempts, DateTimeOffset GiveUpAt, bool Redelivery);

    private async Task<int> SendDueAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var due = new List<Due>();
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var claim = Sql.Command(connection, null, ClaimDueSql, now, now + options.Value.Timeout + TimeSpan.FromMinutes(1), SendsPerRound))
        await using (var reader = await claim.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                due.Add(new Due(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5),
                    reader.GetFieldValue<DateTimeOffset>(6), reader.GetBoolean(7)));
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        var endpointIds = due.Select(d => d.EndpointId).Distinct().ToList();
        Dictionary<Guid, WebhookEndpoint> endpoints;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            endpoints = await db.WebhookEndpoints.AsNoTracking().Where(e => endpointIds.Contains(e.Id)).ToDictionaryAsync(e => e.Id, ct);
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = SendsAtOnce, CancellationToken = ct }, async (delivery, token) =>
        {
            if (endpoints.GetValueOrDefault(delivery.EndpointId) is { } endpoint)
            {
                await TryAsync(delivery, endpoint, token);
            }
        });
        return due.Count;
    }

    private async Task TryAsync(Due delivery, WebhookEndpoint endpoint, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var secrets = new List<string> { _secrets.Unprotect(endpoint.ProtectedSecret) };
        if (endpoint.ProtectedPreviousSecret is { } previous && endpoint.PreviousSecretExpiresAt > now)
        {
            secrets.Add(_secrets.Unprotect(previous));
        }

        var result = await sender.SendAsync(endpoint.Url, delivery.Payload, secrets, delivery.Id, delivery.EventId, delivery.EventType, delivery.Attempts + 1, now, ct);
        var finished = clock.GetUtcNow();
        // A redelivery a person asked for is one try; the schedule's tries go on until the give-up time.
        var next = result.Delivered || delivery.Redelivery ? null : options.Value.NextAttempt(delivery.Attempts + 1, finished, delivery.GiveUpAt);
        var status = result.Delivered ? WebhookDeliveryStatus.Delivered : next is null ? WebhookDeliveryStatus.Failed : WebhookDeliveryStatus.Pending;
        if (status == WebhookDeliveryStatus.Failed)
        {
            logger.LogWarning("Webhook {DeliveryId} ({EventType}) to {Url} failed for good after {Attempts} tries: {Error}",
                delivery.Id, delivery.EventType, endpoint.Url, delivery.Attempts + 1, result.Error);
        }

        await using var connection = await dataSource.OpenConnectionAsync(CancellationToken.None);
        await using var record = Sql.Command(connection, null, RecordAttemptSql, delivery.Id, now, (object?)result.StatusCode ?? DBNull.Value,
            (object?)Truncate(result.Error, 1000) ?? DBNull.Value, result.DurationMs, (object?)result.ResponseExcerpt ?? DBNull.Value, delivery.Redelivery,
            status.ToString(), (object?)next ?? DBNull.Value);
        record.Parameters[8].NpgsqlDbType = NpgsqlDbType.TimestampTz;
        await record.ExecuteNonQueryAsync(CancellationToken.None);
    }

    private static string? Truncate(string? text, int length) => text is null || text.Length <= length ? text : text[..length];
}
