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

    /// <summary>A test-mode event at a live platform (Stripe sends both to a live Connect endpoint) or the reverse: acknowledged, never acted on.</summary>
    OtherMode,
}

/// <summary>Stripe's two kinds of webhook endpoint, each with its own signing secrets.</summary>
public enum WebhookEndpoint
{
    /// <summary>Events about the platform's own account: checkout, transfers.</summary>
    Platform,

    /// <summary>Events about connected accounts (<c>account.updated</c>, their payouts, capabilities), sent only to a Connect endpoint.</summary>
    Connect,
}

/// <summary>One event type's effect, run in the transaction that records the event as processed.</summary>
public interface IStripeEventHandler
{
    string EventType { get; }

    Task HandleAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Event stripeEvent, DateTimeOffset now, CancellationToken ct);
}

/// <summary>
/// The Stripe webhooks: the signature is checked against the raw body with the endpoint's secrets (a
/// bad one has no effect; any listed secret will do, so a secret can be rolled without downtime), an
/// event from the other mode is acknowledged and left alone, then the event id is recorded and its
/// handler runs in one transaction, so each event acts exactly once however often Stripe delivers it.
/// </summary>
public sealed class StripeWebhook(
    NpgsqlDataSource dataSource,
    IEnumerable<IStripeEventHandler> handlers,
    IOptions<StripeOptions> options,
    TimeProvider clock,
    ILogger<StripeWebhook> logger)
{
    private static readonly string RecordSql = Sql.Named("Billing/Webhooks/StripeWebhook.sql", "Record");

    public async Task<Result<WebhookOutcome>> HandleAsync(string body, string? signature, WebhookEndpoint endpoint = WebhookEndpoint.Platform, CancellationToken ct = default)
    {
        var o = options.Value;
        var secrets = StripeOptions.SecretsIn(endpoint == WebhookEndpoint.Connect ? o.ConnectWebhookSecret : o.WebhookSecret);
        if (secrets.Count == 0)
        {
            logger.LogError("Stripe {Endpoint} webhook received but no signing secret is configured", endpoint);
            return new Error("not_configured", $"This platform has no signing secret for its {endpoint} webhook endpoint (Stripe:{(endpoint == WebhookEndpoint.Connect ? "ConnectWebhookSecret" : "WebhookSecret")}).");
        }

        if (Verify(body, signature, secrets) is not { } stripeEvent)
        {
            logger.LogWarning("Stripe {Endpoint} webhook refused: the signature matches none of its secrets", endpoint);
            return new Error("bad_signature", "The Stripe-Signature header does not match this body with any of this endpoint's secrets.");
        }

        if (stripeEvent.Livemode != o.Livemode)
        {
            logger.LogInformation("Stripe event {EventId} ({Type}) is {Mode} but this platform runs {Ours}: acknowledged, not acted on",
                stripeEvent.Id, stripeEvent.Type, stripeEvent.Livemode ? "live" : "test-mode", o.Livemode ? "live" : "in test mode");
            return WebhookOutcome.OtherMode;
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

    private static Event? Verify(string body, string? signature, IReadOnlyList<string> secrets)
    {
        foreach (var secret in secrets)
        {
            try
            {
                // API version: events follow the account's version; our handlers read only fields every version has.
                return EventUtility.ConstructEvent(body, signature ?? "", secret, throwOnApiVersionMismatch: false);
            }
            catch (StripeException)
            {
                // Try the next secret; none matching is answered below.
            }
        }

        return null;
    }
}
