using global::Stripe;
using LabelPlatform.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Billing.Webhooks;

public enum WebhookOutcome
{
    Processed,

    /// <summary>This event id was processed before: a replay, acknowledged with no effect.</summary>
    Duplicate,

    /// <summary>A type we do not act on, acknowledged so Stripe stops sending it.</summary>
    Ignored,
}

/// <summary>One event type's effect, run in the transaction that records the event as processed.</summary>
public interface IStripeEventHandler
{
    string EventType { get; }

    Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// The Stripe webhook: the signature is checked against the raw body (a bad one has no effect), then
/// the event id is recorded and its handler runs in one transaction, so each event acts exactly once
/// however often Stripe delivers it.
/// </summary>
public sealed class StripeWebhook(
    NpgsqlDataSource dataSource,
    IEnumerable<IStripeEventHandler> handlers,
    IOptions<StripeOptions> options,
    TimeProvider clock,
    ILogger<StripeWebhook> logger)
{
    private const string RecordSql = "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING";

    public async Task<Result<WebhookOutcome>> HandleAsync(string body, string? signature, CancellationToken ct = default)
    {
        Event stripeEvent;
        try
        {
            // API version: events follow the account's version; our handlers read only fields every version has.
            stripeEvent = EventUtility.ConstructEvent(body, signature ?? "", options.Value.WebhookSecret, throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            logger.LogWarning("Stripe webhook refused: {Reason}", e.Message);
            return new Error("bad_signature", $"The Stripe-Signature header does not match this body: {e.Message}");
        }

        var handler = handlers.FirstOrDefault(h => h.EventType == stripeEvent.Type);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var record = Sql.Command(connection, tx, RecordSql, stripeEvent.Id, stripeEvent.Type, clock.GetUtcNow()))
        {
            if (await record.ExecuteNonQueryAsync(ct) == 0)
            {
                return WebhookOutcome.Duplicate;
            }
        }

        if (handler is not null)
        {
            await handler.HandleAsync(connection, tx, stripeEvent, clock.GetUtcNow(), ct);
        }

        await tx.CommitAsync(ct);
        return handler is null ? WebhookOutcome.Ignored : WebhookOutcome.Processed;
    }
}
