using LabelPlatform.Web;
using LabelPlatform.Web.Components;

var builder = WebApplication.CreateBuilder(args);

builder.AddLabelPlatformWeb();

var app = builder.Build();

if (await Cli.TryRunAsync(app, args))
{
    return;
}

await app.PrepareDatabaseAsync();
app.UseLabelPlatformPipeline();
app.MapLabelPlatformEndpoints();
// The app's own Content-Security-Policy (frame-ancestors 'none') covers framing; no second policy header.
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);

app.Run();

public partial class Program;
