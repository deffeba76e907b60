using System.Security.Claims;
using System.Text;
using LabelPlatform.Accounts;
using LabelPlatform.Billing.Statements;
using LabelPlatform.Billing.Webhooks;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Api;

/// <summary>The Stripe webhook and the billing downloads.</summary>
public static class BillingApi
{
    public const string WebhookPath = "/api/stripe/webhook";

    /// <summary>Stripe's Connect endpoint: events about workers' connected accounts, signed with its own secret.</summary>
    public const string ConnectWebhookPath = "/api/stripe/connect-webhook";

    public static void MapBillingApi(this IEndpointRouteBuilder app)
    {
        // Stripe signs the exact bytes it sends, so the body is read raw, before any model binding.
        app.MapPost(WebhookPath, (HttpRequest request, StripeWebhook webhook, CancellationToken ct) => ReceiveWebhookAsync(request, webhook, WebhookEndpoint.Platform, ct))
            .AllowAnonymous().DisableAntiforgery();
        app.MapPost(ConnectWebhookPath, (HttpRequest request, StripeWebhook webhook, CancellationToken ct) => ReceiveWebhookAsync(request, webhook, WebhookEndpoint.Connect, ct))
            .AllowAnonymous().DisableAntiforgery();
        app.MapGet("/api/billing/statement.csv", ExportStatementAsync).RequireAuthorization(p => p.RequireRole(Roles.Researcher)).RequireRateLimiting(Security.RateLimits.Exports);
    }

    /// <summary>Stripe's event payloads are a few kilobytes; anything far larger is not Stripe and is refused unread.</summary>
    public const int MaxWebhookBytes = 512 * 1024;

    private static async Task<IResult> ReceiveWebhookAsync(HttpRequest request, StripeWebhook webhook, WebhookEndpoint endpoint, CancellationToken ct)
    {
        var body = await ReadBoundedAsync(request, MaxWebhookBytes, ct);
        if (body is null)
        {
            return TypedResults.Problem(
                $"A Stripe event is at most {MaxWebhookBytes / 1024} KiB; this body is larger and was not read.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Body too large");
        }

        var result = await webhook.HandleAsync(body, request.Headers["Stripe-Signature"].ToString(), endpoint, ct);
        return result.IsSuccess
            ? TypedResults.Ok(new { received = true, outcome = result.Value.ToString() })
            : TypedResults.Problem(result.Error!.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid Stripe signature");
    }

    /// <summary>The body as UTF-8 text, or null (and nothing more read) when it is over <paramref name="limit"/> bytes.</summary>
    private static async Task<string?> ReadBoundedAsync(HttpRequest request, int limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        var buffer = new byte[Math.Min(limit + 1, 64 * 1024)];
        using var body = new MemoryStream();
        int read;
        while ((read = await request.Body.ReadAsync(buffer, ct)) > 0)
        {
            if (body.Length + read > limit)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(body.GetBuffer(), 0, (int)body.Length);
    }

    private static async Task<IResult> ExportStatementAsync(ClaimsPrincipal user, IDbContextFactory<AppDbContext> dbFactory, BillingStatements statements, CancellationToken ct)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = await db.OrganisationOfAsync(userId, ct);
        if (orgId is null)
        {
            return TypedResults.Problem("You are not in an organisation.", statusCode: StatusCodes.Status404NotFound);
        }

        var csv = await statements.OrganisationCsvAsync(orgId.Value, ct);
        return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "billing-statement.csv");
    }
}
