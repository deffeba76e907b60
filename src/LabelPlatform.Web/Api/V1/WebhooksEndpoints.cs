using System.ComponentModel;
using System.Security.Claims;
using LabelPlatform.Common.Events;
using LabelPlatform.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabelPlatform.Web.Api.V1;

/// <summary>A webhook endpoint to create or change; on change, a field left out stays as it is.</summary>
public sealed record WebhookEndpointRequest(
    [property: Description("Where events are posted: https, on the public internet.")] string? Url = null,
    string? Description = null,
    [property: Description("Event types to send; on create, every type when left out.")] List<string>? Events = null,
    [property: Description("false pauses sending; deliveries wait until it is true again.")] bool? Enabled = null) : IApiRequest
{
    public WebhookEndpointChange ToChange() => new(Url, Description, Events, Enabled);

    public static readonly WebhookEndpointRequest Example = new("https://ml.example.com/hooks/labelplatform", "training pipeline",
        [OrganisationEventTypes.JobCompleted, OrganisationEventTypes.ItemsSettled, OrganisationEventTypes.ExportReady]);
}

/// <summary>An endpoint; <c>secret</c> only in the answer that created it or rotated its secret.</summary>
public sealed record WebhookEndpointResponse(
    Guid Id, string Url, string Description, List<string> Events, bool Enabled, string SecretHint, DateTimeOffset? PreviousSecretExpiresAt, DateTimeOffset CreatedAt,
    string? Secret = null)
{
    public static WebhookEndpointResponse From(WebhookEndpoint e, string? secret = null) =>
        new(e.Id, e.Url, e.Description, e.Events, e.Enabled, e.SecretHint, e.PreviousSecretExpiresAt, e.CreatedAt, secret);
}

public sealed record RotateSecretRequest([property: Description("true: the old secret stops signing at once (it leaked); false: it signs beside the new one for 24 hours.")] bool ExpireOldNow = false) : IApiRequest;

/// <summary>One event on its way to one endpoint.</summary>
public sealed record WebhookDeliveryResponse(
    Guid Id, Guid EndpointId, string EventId, string EventType, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? LastAttemptAt, int? LastStatusCode, string? LastError, DateTimeOffset? DeliveredAt, string? Payload = null, List<WebhookAttemptResponse>? Tries = null)
{
    public static WebhookDeliveryResponse From(WebhookDelivery d, List<WebhookAttempt>? attempts = null) => new(
        d.Id, d.EndpointId, WebhookPayload.EventId(d.EventId), d.EventType, d.Status.ToString().ToLowerInvariant(), d.Attempts, d.CreatedAt,
        d.Status == WebhookDeliveryStatus.Pending ? d.NextAttemptAt : null, d.LastAttemptAt, d.LastStatusCode, d.LastError, d.DeliveredAt,
        attempts is null ? null : d.Payload, attempts?.Select(a => new WebhookAttemptResponse(a.AttemptedAt, a.StatusCode, a.Error, a.DurationMs, a.ResponseExcerpt, a.Manual)).ToList());
}

public sealed record WebhookAttemptResponse(DateTimeOffset AttemptedAt, int? StatusCode, string? Error, int DurationMs, string? ResponseExcerpt, bool Redelivery);

/// <summary>The low-funds threshold: balance.low is sent when funds in <c>currency</c> fall below <c>threshold</c> (minor units); null: none.</summary>
public sealed record BalanceAlertRequest(string Currency, long? Threshold) : IApiRequest;

public sealed record BalanceAlertResponse(string? Currency, long? Threshold, bool Below);

/// <summary>Outbound webhooks over the API: the same use cases as the Webhooks page.</summary>
public static class WebhooksEndpoints
{
    public static void MapWebhooksEndpoints(this RouteGroupBuilder api)
    {
        var hooks = api.MapGroup("/webhooks").WithTags("Webhooks");
        api.MapGet("/webhooks", ListAsync).WithTags("Webhooks").WithSummary("The organisation's webhook endpoints").WithExamples(null, new List<WebhookEndpointResponse> { ApiExamples.Webhook });
        api.MapPost("/webhooks", CreateAsync).WithTags("Webhooks").WithSummary("Add an endpoint; the answer holds its signing secret, shown this once")
            .WithDescription("Events are posted as JSON with a `LabelPlatform-Signature: t=…,v1=…` header: HMAC-SHA256 of `{t}.{body}` keyed with the secret. docs/api.md#webhooks shows how to check it.")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).AddEndpointFilter<IdempotentCreate>()
            .WithExamples(WebhookEndpointRequest.Example, ApiExamples.Webhook with { Secret = "whsec_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a6978" });
        hooks.MapGet("/{endpointId:guid}", GetAsync).WithSummary("One endpoint").WithExamples(null, ApiExamples.Webhook);
        hooks.MapPatch("/{endpointId:guid}", UpdateAsync).WithSummary("Change an endpoint's URL, description, events, or pause it")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(new WebhookEndpointRequest(Enabled: false), ApiExamples.Webhook with { Enabled = false });
        hooks.MapDelete("/{endpointId:guid}", DeleteAsync).WithSummary("Delete an endpoint and its delivery log").RequireAuthorization(ApiKeyAuthentication.WritePolicy);
        hooks.MapPost("/{endpointId:guid}/rotate-secret", RotateAsync).WithSummary("A new signing secret, shown this once; the old one signs beside it for 24 hours unless expired now")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy)
            .WithExamples(new RotateSecretRequest(), ApiExamples.Webhook with { Secret = "whsec_a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718", PreviousSecretExpiresAt = ApiExamples.Webhook.CreatedAt.AddDays(2) });
        hooks.MapPost("/{endpointId:guid}/test", TestAsync).WithSummary("Send a webhook.test event to the endpoint now")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(null, ApiExamples.Delivery with { Status = "pending", Attempts = 0, LastStatusCode = null, DeliveredAt = null });
        hooks.MapGet("/{endpointId:guid}/deliveries", DeliveriesAsync).WithSummary("An endpoint's deliveries, newest first, 50 a page")
            .WithDescription("Pass the last delivery's id as `before` for the next page.").WithExamples(null, new List<WebhookDeliveryResponse> { ApiExamples.Delivery });
        api.MapGet("/webhook-deliveries/{deliveryId:guid}", DeliveryAsync).WithTags("Webhooks").WithSummary("One delivery with its body and every try")
            .WithExamples(null, ApiExamples.DeliveryWithAttempts);
        api.MapPost("/webhook-deliveries/{deliveryId:guid}/redeliver", RedeliverAsync).WithTags("Webhooks").WithSummary("Try a delivery once more, now (a delivered one too)")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(null, ApiExamples.Delivery with { Status = "pending" });
        api.MapGet("/balance/alert", BalanceAlertAsync).WithTags("Webhooks").WithSummary("The low-funds threshold for balance.low")
            .WithExamples(null, new BalanceAlertResponse("USD", 50_00, false));
        api.MapPut("/balance/alert", SetBalanceAlertAsync).WithTags("Webhooks").WithSummary("Set the low-funds threshold (minor units); a null threshold removes it")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(new BalanceAlertRequest("USD", 50_00), new BalanceAlertResponse("USD", 50_00, false));
    }

    private static ProblemHttpResult NotFound(string what) => ApiProblems.For(LabelPlatform.Common.Error.NotFound(what));

    private static async Task<Ok<List<WebhookEndpointResponse>>> ListAsync(ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct) =>
        TypedResults.Ok((await manage.ListAsync(user.OrganisationId(), ct)).Select(e => WebhookEndpointResponse.From(e)).ToList());

    private static async Task<Results<Created<WebhookEndpointResponse>, ProblemHttpResult>> CreateAsync(
        WebhookEndpointRequest request, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        var created = await manage.CreateAsync(user.OrganisationId(), user.UserId(), request.ToChange(), ct);
        return created.IsSuccess
            ? TypedResults.Created($"{ApiV1.Prefix}/webhooks/{created.Value!.Endpoint.Id}", WebhookEndpointResponse.From(created.Value.Endpoint, created.Value.Secret))
            : ApiProblems.For(created.Error!);
    }

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> GetAsync(Guid endpointId, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct) =>
        await manage.FindAsync(user.OrganisationId(), endpointId, ct) is { } endpoint ? TypedResults.Ok(WebhookEndpointResponse.From(endpoint)) : NotFound("The webhook endpoint");

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> UpdateAsync(
        Guid endpointId, WebhookEndpointRequest request, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        var updated = await manage.UpdateAsync(user.OrganisationId(), endpointId, request.ToChange(), ct);
        return updated.IsSuccess ? TypedResults.Ok(WebhookEndpointResponse.From(updated.Value!)) : ApiProblems.For(updated.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid endpointId, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        var deleted = await manage.DeleteAsync(user.OrganisationId(), endpointId, ct);
        return deleted.IsSuccess ? TypedResults.NoContent() : ApiProblems.For(deleted.Error!);
    }

    private static async Task<Results<Ok<WebhookEndpointResponse>, ProblemHttpResult>> RotateAsync(
        Guid endpointId, RotateSecretRequest? request, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        var rotated = await manage.RotateSecretAsync(user.OrganisationId(), endpointId, request?.ExpireOldNow ?? false, ct);
        return rotated.IsSuccess ? TypedResults.Ok(WebhookEndpointResponse.From(rotated.Value!.Endpoint, rotated.Value.Secret)) : ApiProblems.For(rotated.Error!);
    }

    private static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> TestAsync(Guid endpointId, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        var queued = await manage.SendTestAsync(user.OrganisationId(), endpointId, ct);
        return queued.IsSuccess
            ? TypedResults.Accepted($"{ApiV1.Prefix}/webhook-deliveries/{queued.Value!.Id}", WebhookDeliveryResponse.From(queued.Value))
            : ApiProblems.For(queued.Error!);
    }

    private static async Task<Results<Ok<List<WebhookDeliveryResponse>>, ProblemHttpResult>> DeliveriesAsync(
        Guid endpointId, Guid? before, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        if (await manage.FindAsync(user.OrganisationId(), endpointId, ct) is null)
        {
            return NotFound("The webhook endpoint");
        }

        return TypedResults.Ok((await manage.DeliveriesAsync(user.OrganisationId(), endpointId, before, ct)).Select(d => WebhookDeliveryResponse.From(d)).ToList());
    }

    private static async Task<Results<Ok<WebhookDeliveryResponse>, ProblemHttpResult>> DeliveryAsync(Guid deliveryId, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct) =>
        await manage.DeliveryAsync(user.OrganisationId(), deliveryId, ct) is { } delivery
            ? TypedResults.Ok(WebhookDeliveryResponse.From(delivery, await manage.AttemptsAsync(user.OrganisationId(), deliveryId, ct)))
            : NotFound("The delivery");

    private static async Task<Results<Accepted<WebhookDeliveryResponse>, ProblemHttpResult>> RedeliverAsync(Guid deliveryId, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        var again = await manage.RedeliverAsync(user.OrganisationId(), deliveryId, ct);
        return again.IsSuccess
            ? TypedResults.Accepted($"{ApiV1.Prefix}/webhook-deliveries/{deliveryId}", WebhookDeliveryResponse.From(again.Value!))
            : ApiProblems.For(again.Error!);
    }

    private static async Task<Ok<BalanceAlertResponse>> BalanceAlertAsync(ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct) =>
        TypedResults.Ok(await manage.BalanceAlertAsync(user.OrganisationId(), ct) is { } alert
            ? new BalanceAlertResponse(alert.Currency, alert.Threshold, alert.Below)
            : new BalanceAlertResponse(null, null, false));

    private static async Task<Results<Ok<BalanceAlertResponse>, ProblemHttpResult>> SetBalanceAlertAsync(
        BalanceAlertRequest request, ClaimsPrincipal user, ManageWebhooks manage, CancellationToken ct)
    {
        var set = await manage.SetBalanceAlertAsync(user.OrganisationId(), request.Currency ?? "", request.Threshold, ct);
        return set.IsSuccess
            ? TypedResults.Ok(set.Value is { } alert ? new BalanceAlertResponse(alert.Currency, alert.Threshold, alert.Below) : new BalanceAlertResponse(null, null, false))
            : ApiProblems.For(set.Error!);
    }
}
