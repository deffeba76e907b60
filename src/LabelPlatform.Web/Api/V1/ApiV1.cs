using Microsoft.AspNetCore.Authentication;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace LabelPlatform.Web.Api.V1;

/// <summary>
/// The researchers' API: <c>/api/v1</c>, API keys only, rate limited per key, problem details with
/// stable types, its OpenAPI document at <c>/openapi/v1.json</c> and a reference page at <c>/api/docs</c>.
/// </summary>
public static class ApiV1
{
    public const string Prefix = "/api/v1";
    public const string ProblemsPath = "/api/problems";
    public const string DocsPath = "/api/docs";

    public static IServiceCollection AddApiV1(this IServiceCollection services)
    {
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(ApiKeyAuthentication.ReadPolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireClaim(ApiKeyAuthentication.ScopeClaim, "read"))
            .AddPolicy(ApiKeyAuthentication.WritePolicy, p => p.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireClaim(ApiKeyAuthentication.ScopeClaim, "write"));
        services.AddScoped<Idempotency>();
        services.AddOpenApi("v1", o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "LabelPlatform API",
                    Version = "v1",
                    Description = "Create and run labelling jobs from your own code. Authenticate with `Authorization: Bearer <key>` (keys on the API keys page). Money is in minor units (cents). Errors are RFC 9457 problem details whose `type` is stable: see /api/problems/{code}.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyAuthentication.SchemeName] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API key from the API keys page: `lp_` and 43 characters.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthentication.SchemeName, document)] = [] }];
                return Task.CompletedTask;
            });
            OpenApiExamples.AddExamples(o);
        });
        return services;
    }

    public static void MapApiV1(this WebApplication app)
    {
        var api = app.MapGroup(Prefix)
            .RequireAuthorization(ApiKeyAuthentication.ReadPolicy)
            .RequireRateLimiting(Security.RateLimits.Api)
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        api.MapJobsEndpoints();
        api.MapItemsEndpoints();
        api.MapExportsEndpoints();
        api.MapWebhooksEndpoints();
        api.MapQualityEndpoints();
        api.MapJobExtrasEndpoints();

        app.MapGet(ProblemsPath + "/{code}", ApiProblems.Describe).AllowAnonymous().ExcludeFromDescription();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference(DocsPath, o => o.WithTitle("LabelPlatform API").WithOpenApiRoutePattern("/openapi/{documentName}.json")).AllowAnonymous();
    }
}
