using Hangfire;
using LabelPlatform.Accounts;
using LabelPlatform.Background;
using LabelPlatform.Billing;
using LabelPlatform.Data;
using LabelPlatform.Hosting;
using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Review;
using LabelPlatform.Web.Api;
using LabelPlatform.Web.Api.V1;
using LabelPlatform.Web.Background;
using LabelPlatform.Web.Health;
using LabelPlatform.Web.Hubs;
using LabelPlatform.Web.Security;
using LabelPlatform.Web.Seed;
using LabelPlatform.Webhooks;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;

namespace LabelPlatform.Web;

public static class WebSetup
{
    public static WebApplicationBuilder AddLabelPlatformWeb(this WebApplicationBuilder builder)
    {
        // Framework and MudBlazor assets from the build output in every environment, not only Development.
        builder.WebHost.UseStaticWebAssets();
        builder.AddServiceDefaults();
        // Model review runs on worker machines; a single-node install can let the web process take it too.
        builder.AddBackgroundJobs("web", builder.Configuration.GetValue("BackgroundJobs:ServeReviewQueue", false)
            ? [BackgroundJobsSetup.DefaultQueue, BackgroundJobsSetup.ReviewQueue]
            : [BackgroundJobsSetup.DefaultQueue]);

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider, RevalidatingAuthenticationState>();

        // The cookie is checked against the database as often: a lock ends it, new roles ride on it.
        builder.Services.Configure<Microsoft.AspNetCore.Identity.SecurityStampValidatorOptions>(o =>
            o.ValidationInterval = TimeSpan.FromSeconds(Math.Max(0, builder.Configuration.GetValue("Auth:RevalidateSeconds", 60))));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ApiProblems.Customize);
        builder.Services.AddApiV1();
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        builder.Services.AddDataProtectionKeys(builder.Configuration);
        builder.Services.AddTrustedProxies(builder.Configuration);
        builder.Services.AddRateLimits(builder.Configuration);

        var secureCookies = builder.Configuration.GetValue("Auth:RequireSecureCookies", !builder.Environment.IsDevelopment());
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/account/login";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = "labelplatform.auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secureCookies ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = ApiAwareRedirect(StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = ApiAwareRedirect(StatusCodes.Status403Forbidden);
            // The researchers' API knows only API keys: a signed-in browser's cookie does not call it.
            o.ForwardDefaultSelector = http => http.Request.Path.StartsWithSegments(ApiV1.Prefix) ? ApiKeyAuthentication.SchemeName : null;
        });

        builder.Services.AddHealthChecks().AddCheck<BackgroundWorkersHealthCheck>("background_workers");
        builder.Services.AddTransient<DemoSeeder>();
        builder.Services.AddSignalR();
        builder.Services.AddHostedService<QueueHubRelay>();
        builder.AddWebhookDispatcher();
        builder.Services.AddScoped<LabelPlatform.Web.Components.Shared.CurrentUser>();
        return builder;
    }

    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        app.WarnWhenUnencrypted();
        if (app.Configuration.GetValue("Database:MigrateOnStartup", false))
        {
            await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
            await db.Database.MigrateAsync();
        }

        if (app.Configuration.GetValue("Seed:Demo", false))
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(Console.Out);
        }

        RecurringJobs.Register(app.Services.GetRequiredService<IRecurringJobManager>(), app.Configuration[$"{BillingOptions.Section}:SettlementCron"] ?? new BillingOptions().SettlementCron);
    }

    public static WebApplication UseLabelPlatformPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }

        // Pages get the not-found page; API, hub and health callers get the status itself (a POST
        // re-executed to a page would fail its antiforgery check and read as 400).
        app.UseWhen(
            http => !IsMachineFacing(http.Request.Path),
            pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));

        // The researchers' API explains every refusal, even one the framework makes with an empty body (JSON it cannot read).
        app.UseWhen(http => http.Request.Path.StartsWithSegments(ApiV1.Prefix), api => api.UseStatusCodePages());
        app.UseTopLevelWebRoot();
        app.UseStaticFiles();
        app.UseAuthentication();

        // After authentication (limits per account know who is asking), before authorization (an anonymous flood is counted too).
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }

    public static WebApplication MapLabelPlatformEndpoints(this WebApplication app)
    {
        app.MapAccountApi();
        app.MapJobFilesApi();
        app.MapBillingApi();
        app.MapApiV1();
        app.MapHub<QueueHub>(QueueHub.Path);
        app.MapHealthEndpoints();
        app.UseHangfireDashboard("/admin/hangfire", new DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorization()],
            DisplayStorageConnectionString = false,
            AppPath = "/admin/users",
        });
        return app;
    }

    private static Func<Microsoft.AspNetCore.Authentication.RedirectContext<Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationOptions>, Task> ApiAwareRedirect(int status) =>
        context =>
        {
            if (IsMachineFacing(context.Request.Path))
            {
                context.Response.StatusCode = status;
            }
            else
            {
                context.Response.Redirect(context.RedirectUri);
            }

            return Task.CompletedTask;
        };

    /// <summary>Paths programs call (the API, hubs, health probes): they get status codes, never redirects or HTML pages.</summary>
    private static bool IsMachineFacing(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments(HealthEndpoints.Details);
}
