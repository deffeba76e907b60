using System.Security.Cryptography;
using LabelPlatform.Common;
using LabelPlatform.Common.Events;
using LabelPlatform.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Webhooks;

/// <summary>An endpoint just created, or a secret just rotated: the secret is here and, readably, nowhere else it is shown.</summary>
public sealed record WebhookEndpointWithSecret(WebhookEndpoint Endpoint, string Secret);

/// <summary>What a researcher asks of an endpoint; a null field is left as it is (on create: the defaults).</summary>
public sealed record WebhookEndpointChange(string? Url = null, string? Description = null, IReadOnlyList<string>? Events = null, bool? Enabled = null);

/// <summary>An organisation's webhook endpoints, their deliveries and its low-balance threshold: the page's and the API's use cases.</summary>
public sealed class ManageWebhooks(
    IDbContextFactory<AppDbContext> dbFactory, IDataProtectionProvider protection, IOptions<WebhookOptions> options, WebhookSignal signal, TimeProvider clock)
{
    /// <summary>Enough for one per environment and a few tools; more usually means endpoints nobody reads.</summary>
    public const int MaxEndpoints = 16;

    public const string SecretPrefix = "whsec_";

    private const int DeliveriesPerPage = 50;

    private readonly IDataProtector _secrets = WebhookSecrets.Protector(protection);

    public async Task<List<WebhookEndpoint>> ListAsync(Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookEndpoints.AsNoTracking().Where(e => e.OrganisationId == organisationId).OrderBy(e => e.CreatedAt).ToListAsync(ct);
    }

    public async Task<WebhookEndpoint?> FindAsync(Guid organisationId, Guid endpointId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookEndpoints.AsNoTracking().FirstOrDefaultAsync(e => e.Id == endpointId && e.OrganisationId == organisationId, ct);
    }

    public async Task<Result<WebhookEndpointWithSecret>> CreateAsync(Guid organisationId, string userId, WebhookEndpointChange change, CancellationToken ct = default)
    {
        var endpoint = new WebhookEndpoint
        {
            Id = Guid.CreateVersion7(),
            OrganisationId = organisationId,
            CreatedByUserId = userId,
            Events = [.. OrganisationEventTypes.Subscribable],
            CreatedAt = clock.GetUtcNow(),
        };
        if (Apply(endpoint, change with { Url = change.Url ?? "" }) is { } invalid)
        {
            return invalid;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.WebhookEndpoints.CountAsync(e => e.OrganisationId == organisationId, ct) >= MaxEndpoints)
        {
            return Error.Conflict($"Your organisation has {MaxEndpoints} webhook endpoints, the most it may hold. Delete one you no longer use first.");
        }

        var secret = NewSecret();
        endpoint.ProtectedSecret = _secrets.Protect(secret);
        endpoint.SecretHint = Hint(secret);
        db.WebhookEndpoints.Add(endpoint);
        await db.SaveChangesAsync(ct);
        return new WebhookEndpointWithSecret(endpoint, secret);
    }

    public async Task<Result<WebhookEndpoint>> UpdateAsync(Guid organisationId, Guid endpointId, WebhookEndpointChange change, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == endpointId && e.OrganisationId == organisationId, ct);
        if (endpoint is null)
        {
            return Error.NotFound("The webhook endpoint");
        }

        if (Apply(endpoint, change) is { } invalid)
        {
            return invalid;
        }

        await db.SaveChangesAsync(ct);
        return endpoint;
    }

    public async Task<Result<bool>> DeleteAsync(Guid organisationId, Guid endpointId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var deleted = await db.WebhookEndpoints.Where(e => e.Id == endpointId && e.OrganisationId == organisationId).ExecuteDeleteAsync(ct);
        return deleted == 0 ? Error.NotFound("The webhook endpoint") : true;
    }

    /// <summary>A new secret; the old one still signs beside it for a day (or not at all), so receivers can switch without losing events.</summary>
    public async Task<Result<WebhookEndpointWithSecret>> RotateSecretAsync(Guid organisationId, Guid endpointId, bool expireOldNow, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var endpoint = await db.WebhookEndpoints.FirstOrDefaultAsync(e => e.Id == endpointId && e.OrganisationId == organisationId, ct);
        if (endpoint is null)
        {
            return Error.NotFound("The webhook endpoint");
        }

        var secret = NewSecret();
        endpoint.ProtectedPreviousSecret = expireOldNow ? null : endpoint.ProtectedSecret;
        endpoint.PreviousSecretExpiresAt = expireOldNow ? null : clock.GetUtcNow() + options.Value.PreviousSecretLifetime;
        endpoint.ProtectedSecret = _secrets.Protect(secret);
        endpoint.SecretHint = Hint(secret);
        await db.SaveChangesAsync(ct);
        return new WebhookEndpointWithSecret(endpoint, secret);
    }

    /// <summary>Queues a webhook.test event to the endpoint, whatever it subscribes to, and wakes the sender.</summary>
    public async Task<Result<WebhookDelivery>> SendTestAsync(Guid organisationId, Guid endpointId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.WebhookEndpoints.AnyAsync(e => e.Id == endpointId && e.OrganisationId == organisationId, ct))
        {
            return Error.NotFound("The webhook endpoint");
        }

        var now = clock.GetUtcNow();
        var eventId = Guid.CreateVersion7();
        var data = OrganisationEvent.Serialize(new { Message = "A test event from LabelPlatform: your endpoint is reachable and can check the signature." });
        var delivery = new WebhookDelivery
        {
            Id = Guid.CreateVersion7(),
            EndpointId = endpointId,
            OrganisationId = organisationId,
            EventId = eventId,
            EventType = OrganisationEventTypes.Test,
            Payload = WebhookPayload.Envelope(eventId, OrganisationEventTypes.Test, now, organisationId, data),
            Status = WebhookDeliveryStatus.Pending,
            CreatedAt = now,
            NextAttemptAt = now,
            GiveUpAt = now + options.Value.GiveUpAfter,
        };
        db.WebhookDeliveries.Add(delivery);
        await db.SaveChangesAsync(ct);
        signal.Wake();
        return delivery;
    }

    /// <summary>An endpoint's deliveries, newest first, a page at a time (<paramref name="before"/>: the last one of the previous page).</summary>
    public async Task<List<WebhookDelivery>> DeliveriesAsync(Guid organisationId, Guid endpointId, Guid? before = null, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.EndpointId == endpointId && d.OrganisationId == organisationId && (before == null || d.Id < before))
            .OrderByDescending(d => d.Id).Take(DeliveriesPerPage).ToListAsync(ct);
    }

    public async Task<WebhookDelivery?> DeliveryAsync(Guid organisationId, Guid deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookDeliveries.AsNoTracking().FirstOrDefaultAsync(d => d.Id == deliveryId && d.OrganisationId == organisationId, ct);
    }

    public async Task<List<WebhookAttempt>> AttemptsAsync(Guid organisationId, Guid deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookAttempts.AsNoTracking()
            .Where(a => a.DeliveryId == deliveryId && db.WebhookDeliveries.Any(d => d.Id == deliveryId && d.OrganisationId == organisationId))
            .OrderBy(a => a.Id).ToListAsync(ct);
    }

    /// <summary>One more try now, whatever the delivery's state (a delivered one is sent again: the receiver de-duplicates by event id).</summary>
    public async Task<Result<WebhookDelivery>> RedeliverAsync(Guid organisationId, Guid deliveryId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var delivery = await db.WebhookDeliveries.FirstOrDefaultAsync(d => d.Id == deliveryId && d.OrganisationId == organisationId, ct);
        if (delivery is null)
        {
            return Error.NotFound("The delivery");
        }

        if (delivery.Status == WebhookDeliveryStatus.Pending && delivery.NextAttemptAt > clock.GetUtcNow())
        {
            // Already scheduled (or being sent): bring it forward rather than send it twice at once.
            delivery.NextAttemptAt = clock.GetUtcNow();
        }
        else if (delivery.Status != WebhookDeliveryStatus.Pending)
        {
            delivery.Status = WebhookDeliveryStatus.Pending;
            delivery.NextAttemptAt = clock.GetUtcNow();
            // One try: if it fails, the delivery is failed again (a person asked; the schedule is over).
            delivery.Redelivery = true;
        }

        await db.SaveChangesAsync(ct);
        signal.Wake();
        return delivery;
    }

    public async Task<WebhookBalanceAlert?> BalanceAlertAsync(Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.WebhookBalanceAlerts.AsNoTracking().FirstOrDefaultAsync(a => a.OrganisationId == organisationId, ct);
    }

    /// <summary>Sets (or, with null, removes) the threshold below which balance.low is sent.</summary>
    public async Task<Result<WebhookBalanceAlert?>> SetBalanceAlertAsync(Guid organisationId, string currency, long? threshold, CancellationToken ct = default)
    {
        if (threshold is < 0 or > 1_000_000_000_00)
        {
            return Error.Validation("The low-balance threshold is an amount from 0 to 1,000,000,000.");
        }

        if (currency is not { Length: 3 } || !currency.All(char.IsAsciiLetterUpper))
        {
            return Error.Validation("The currency is a three-letter ISO code, such as USD.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var alert = await db.WebhookBalanceAlerts.FirstOrDefaultAsync(a => a.OrganisationId == organisationId, ct);
        if (threshold is null)
        {
            if (alert is not null)
            {
                db.WebhookBalanceAlerts.Remove(alert);
                await db.SaveChangesAsync(ct);
            }

            return (WebhookBalanceAlert?)null;
        }

        if (alert is null)
        {
            alert = new WebhookBalanceAlert { OrganisationId = organisationId };
            db.WebhookBalanceAlerts.Add(alert);
        }

        // A new threshold starts afresh: if funds are below it already, the next look says so once.
        alert.Currency = currency;
        alert.Threshold = threshold.Value;
        alert.Below = false;
        await db.SaveChangesAsync(ct);
        return alert;
    }

    private Error? Apply(WebhookEndpoint endpoint, WebhookEndpointChange change)
    {
        var problems = new List<(string Field, string Message)>();
        if (change.Url is not null)
        {
            var url = WebhookUrls.Check(change.Url, options.Value);
            if (url.IsSuccess)
            {
                endpoint.Url = url.Value!.ToString();
            }
            else
            {
                problems.Add(("url", url.Error!.Message));
            }
        }

        if (change.Description is not null)
        {
            var description = change.Description.Trim();
            if (description.Length > WebhookEndpoint.MaxDescriptionLength)
            {
                problems.Add(("description", $"A description has at most {WebhookEndpoint.MaxDescriptionLength} characters."));
            }

            endpoint.Description = description;
        }

        if (change.Events is not null)
        {
            var unknown = change.Events.Where(e => !OrganisationEventTypes.Subscribable.Contains(e)).ToList();
            if (unknown.Count > 0)
            {
                problems.Add(("events", $"Unknown event types: {string.Join(", ", unknown.Take(5))}. Known: {string.Join(", ", OrganisationEventTypes.Subscribable)}."));
            }
            else if (change.Events.Count == 0)
            {
                problems.Add(("events", "Choose at least one event to send to the endpoint."));
            }

            endpoint.Events = [.. OrganisationEventTypes.Subscribable.Where(change.Events.Contains)];
        }

        if (change.Enabled is { } enabled)
        {
            endpoint.Enabled = enabled;
        }

        return problems.Count == 0 ? null : Error.Invalid(problems);
    }

    private static string NewSecret() => SecretPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static string Hint(string secret) => secret[..(SecretPrefix.Length + 6)] + "…";
}

/// <summary>The endpoints' secrets, encrypted at rest with the site's data-protection keys.</summary>
public static class WebhookSecrets
{
    public static IDataProtector Protector(IDataProtectionProvider protection) => protection.CreateProtector("LabelPlatform.Webhooks.EndpointSecret");
}

/// <summary>Wakes the sender when a person asks for a try now (a test event, a redelivery); otherwise it looks on its own schedule. Also keeps that schedule's slower looks.</summary>
public sealed class WebhookSignal
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    private long _nextGoldPoolLook;

    /// <summary>Whether this node looks at gold pools now (at most once per <paramref name="interval"/>).</summary>
    public bool GoldPoolLookDue(DateTimeOffset now, TimeSpan interval)
    {
        var due = Interlocked.Read(ref _nextGoldPoolLook);
        return now.UtcTicks >= due && Interlocked.CompareExchange(ref _nextGoldPoolLook, (now + interval).UtcTicks, due) == due;
    }
}
