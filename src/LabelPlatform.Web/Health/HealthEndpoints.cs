using LabelPlatform.Accounts;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace LabelPlatform.Web.Health;

/// <summary>
/// Probes for orchestrators and load balancers, anonymous and saying nothing about the machine
/// (no host names, process ids or versions): <c>/health/live</c> (the process answers) and
/// <c>/health/ready</c> (it can reach the database). The detailed view, with the background
/// servers' names, is for admins only.
/// </summary>
public static class HealthEndpoints
{
    public const string Live = "/health/live";
    public const string Ready = "/health/ready";
    public const string Details = "/health";
    public const string ReadyTag = LabelPlatform.Hosting.ServiceDefaults.ReadyTag;

    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks(Live, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = HealthResponse.WriteStatusAsync }).AllowAnonymous();
        app.MapHealthChecks(Ready, new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = HealthResponse.WriteStatusAsync }).AllowAnonymous();
        app.MapHealthChecks(Details, new HealthCheckOptions { ResponseWriter = HealthResponse.WriteAsync })
            .RequireAuthorization(p => p.RequireRole(Roles.Admin));
    }
}
