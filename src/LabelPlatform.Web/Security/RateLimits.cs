using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace LabelPlatform.Web.Security;

/// <summary>How many requests one source address (or, signed in, one account) may make per window.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Sign-in attempts per address per minute (the per-account throttle comes on top).</summary>
    public int SignInPerMinute { get; set; } = 20;

    /// <summary>New accounts per address per hour: one address cannot make hundreds of workers.</summary>
    public int SignUpPerHour { get; set; } = 5;

    /// <summary>Result and statement downloads per account per minute.</summary>
    public int ExportsPerMinute { get; set; } = 20;

    /// <summary>New live connections (pages' circuits, hub connections) per address per minute.</summary>
    public int ConnectionsPerMinute { get; set; } = 120;

    /// <summary>Item files (zips, texts, gold files, example pictures) per account per hour (<see cref="UploadAllowance"/>).</summary>
    public int UploadsPerHour { get; set; } = 60;

    /// <summary>Requests per API key per minute on the researchers' API (/api/v1).</summary>
    public int ApiPerMinute { get; set; } = 600;

    /// <summary>Review model uploads and descriptor checks per account per hour: each loads a model in a process of its own.</summary>
    public int ModelUploadsPerHour { get; set; } = 20;
}

/// <summary>
/// ASP.NET Core rate limiting on everything anonymous or expensive. Over the limit: 429 with
/// Retry-After and nothing done.
/// </summary>
public static class RateLimits
{
    public const string SignIn = "sign-in";
    public const string SignUp = "sign-up";
    public const string Exports = "exports";
    public const string Api = "api";

    public static IServiceCollection AddRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var limits = configuration.GetSection(RateLimitOptions.Section).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(new UploadAllowance(limits));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = async (context, ct) =>
            {
                var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 60;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem(
                    $"Too many requests from here. Try again in {seconds} seconds.", statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    type: LabelPlatform.Web.Api.V1.ApiProblems.Catalogue["rate_limited"].Type)
                    .ExecuteAsync(context.HttpContext);
            };
            o.AddPolicy(SignIn, http => Window(BySource(http), limits.SignInPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(SignUp, http => Window(BySource(http), limits.SignUpPerHour, TimeSpan.FromHours(1)));
            o.AddPolicy(Exports, http => Window(ByAccount(http), limits.ExportsPerMinute, TimeSpan.FromMinutes(1)));
            o.AddPolicy(Api, http => Window(
                http.User.FindFirstValue(LabelPlatform.Web.Api.V1.ApiKeyAuthentication.KeyClaim) is { } key ? "key:" + key : "ip:" + BySource(http), limits.ApiPerMinute, TimeSpan.FromMinutes(1)));

            // Live connections are opened by the framework's own endpoints (Blazor's circuit, SignalR hubs).
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                http.Request.Path.StartsWithSegments("/_blazor") || http.Request.Path.StartsWithSegments("/hubs")
                    ? Window("connect:" + BySource(http), limits.ConnectionsPerMinute, TimeSpan.FromMinutes(1))
                    : RateLimitPartition.GetNoLimiter(""));
        });
        return services;
    }

    private static string BySource(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static string ByAccount(HttpContext http) =>
        http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } user ? "user:" + user : "ip:" + BySource(http);

    private static RateLimitPartition<string> Window(string key, int permits, TimeSpan window) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permits),
            Window = window,
            QueueLimit = 0,
        });
}
