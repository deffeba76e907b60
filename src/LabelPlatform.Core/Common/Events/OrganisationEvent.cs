using System.Text.Json;
using System.Text.Json.Serialization;
using Npgsql;

namespace LabelPlatform.Common.Events;

/// <summary>
/// Something an organisation may want to hear about (a job completed or paused, an export ready, items settled,
/// funds low), written in the same transaction as the change it reports, so it is told exactly when the change
/// holds. Every capability writes them; outbound webhooks read them (the outbox pattern).
/// </summary>
public sealed class OrganisationEvent
{
    public long Id { get; set; }

    /// <summary>The id the receiver sees ("evt_" and its hex digits), the same for every endpoint it goes to.</summary>
    public Guid EventId { get; set; }

    public Guid OrganisationId { get; set; }

    /// <summary>One of <see cref="OrganisationEventTypes"/>.</summary>
    public string Type { get; set; } = "";

    public Guid? JobId { get; set; }

    /// <summary>The event's data as JSON (snake_case), sent as the envelope's "data".</summary>
    public string Data { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the webhooks took it (made a delivery per subscribed endpoint); null until then.</summary>
    public DateTimeOffset? FannedOutAt { get; set; }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static OrganisationEvent Create(Guid organisationId, string type, Guid? jobId, object data, DateTimeOffset now) => new()
    {
        EventId = Guid.CreateVersion7(),
        OrganisationId = organisationId,
        Type = type,
        JobId = jobId,
        Data = Serialize(data),
        CreatedAt = now,
    };

    public static string Serialize(object data) => JsonSerializer.Serialize(data, Json);

    private static readonly string InsertSql = Sql.Named("Common/Events/OrganisationEvents.sql", "Insert");

    /// <summary>Writes the event in the caller's transaction.</summary>
    public static Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, Guid organisationId, string type, Guid? jobId, object data, DateTimeOffset now, CancellationToken ct) =>
        Sql.ExecuteAsync(connection, tx, InsertSql, ct, Guid.CreateVersion7(), organisationId, type, (object?)jobId ?? DBNull.Value, Serialize(data), now);
}

/// <summary>The events an organisation can subscribe to; docs/api.md shows each one's data.</summary>
public static class OrganisationEventTypes
{
    public const string JobLaunched = "job.launched";

    public const string JobPaused = "job.paused";

    public const string JobResumed = "job.resumed";

    public const string JobCancelled = "job.cancelled";

    public const string JobCompleted = "job.completed";

    /// <summary>A running job's gold pool is low (too few gold items still handed out): workers will soon go unchecked. Once per fall.</summary>
    public const string GoldPoolLow = "job.gold_pool_low";

    /// <summary>Items that became final (settled by the model, the crowd or a reviewer), gathered a short while per job.</summary>
    public const string ItemsSettled = "items.settled";

    public const string ExportReady = "export.ready";

    public const string ExportFailed = "export.failed";

    /// <summary>The organisation's funds fell below the threshold it set (once per fall; again after they rise above it).</summary>
    public const string BalanceLow = "balance.low";

    /// <summary>Sent only on request, from the webhooks page or the API, to try an endpoint.</summary>
    public const string Test = "webhook.test";

    /// <summary>What an endpoint may subscribe to, in the order the page lists them.</summary>
    public static readonly IReadOnlyList<string> Subscribable =
        [JobCompleted, JobPaused, JobLaunched, JobResumed, JobCancelled, GoldPoolLow, ItemsSettled, ExportReady, ExportFailed, BalanceLow];

    public static string Describe(string type) => type switch
    {
        JobCompleted => "A job completed: every item is final",
        JobPaused => "A job paused (by you, or because funds ran out)",
        JobLaunched => "A job launched",
        JobResumed => "A job resumed",
        JobCancelled => "A job was cancelled",
        ItemsSettled => "Items got their final label (batched per job)",
        ExportReady => "An export is ready to download",
        ExportFailed => "An export failed",
        BalanceLow => "Funds fell below your threshold",
        GoldPoolLow => "A job's gold pool runs low (add gold items)",
        Test => "A test event",
        _ => type,
    };
}
