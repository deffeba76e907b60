namespace LabelPlatform.Web.Security;

/// <summary>
/// Headers on every response: a Content-Security-Policy that Blazor Server and MudBlazor work
/// under (scripts only from this site, no inline script; images only from this site, so a
/// picture in Markdown instructions cannot call out to another server; no framing), no MIME
/// sniffing, and no referrer to other sites. HSTS is added outside development (HTTPS only).
/// </summary>
public static class SecurityHeaders
{
    // MudBlazor positions and colours components with style attributes, hence 'unsafe-inline' for styles only.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "connect-src 'self'; media-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>
    /// The API reference page (Scalar, served from this site) starts itself with an inline script; it shows
    /// only our OpenAPI document, no user content.
    /// </summary>
    public const string ApiReferencePolicy = "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

    /// <summary>Hangfire's dashboard (admins only) ships inline scripts of its own.</summary>
    private const string HangfireDashboard = "/admin/hangfire";

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            if (context.Request.Path.StartsWithSegments(Api.V1.ApiV1.DocsPath))
            {
                headers.ContentSecurityPolicy = ApiReferencePolicy;
            }
            else if (!context.Request.Path.StartsWithSegments(HangfireDashboard))
            {
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
            }

            return next(context);
        });
        return app;
    }
}
