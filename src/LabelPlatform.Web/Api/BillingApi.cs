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

    public static void MapBillingApi(this IEndpointRouteBuilder app)
    {
        // Stripe signs the exact bytes it sends, so the body is read raw, before any model binding.
        app.MapPost(WebhookPath, ReceiveWebhookAsync).AllowAnonymous().DisableAntiforgery();
        app.MapGet("/api/billing/statement.csv", ExportStatementAsync).RequireAuthorization(p => p.RequireRole(Roles.Researcher));
    }

    private static async Task<IResult> ReceiveWebhookAsync(HttpRequest request, StripeWebhook webhook, CancellationToken ct)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(ct);
        var result = await webhook.HandleAsync(body, request.Headers["Stripe-Signature"].ToString(), ct);
        return result.IsSuccess
            ? TypedResults.Ok(new { received = true, outcome = result.Value.ToString() })
            : TypedResults.Problem(result.Error!.Message, statusCode: StatusCodes.Status400BadRequest, title: "Invalid Stripe signature");
    }

    private static async Task<IResult> ExportStatementAsync(ClaimsPrincipal user, IDbContextFactory<AppDbContext> dbFactory, BillingStatements statements, CancellationToken ct)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = await db.Users.Where(u => u.Id == userId).Select(u => u.OrganisationId).SingleOrDefaultAsync(ct);
        if (orgId is null)
        {
            return TypedResults.Problem("You are not in an organisation.", statusCode: StatusCodes.Status404NotFound);
        }

        var csv = await statements.OrganisationCsvAsync(orgId.Value, ct);
        return TypedResults.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", "billing-statement.csv");
    }
}
