using LabelPlatform.Web;
using LabelPlatform.Web.Components;

// A researcher's model is loaded and test-run in a process of its own (LabelPlatform.Review.Models.ModelSandbox):
// this program again, before any of the web app starts.
if (args is [LabelPlatform.Review.Models.ModelSandbox.Command, var request])
{
    Environment.ExitCode = await LabelPlatform.Review.Models.ModelSandbox.RunChildAsync(request);
    return;
}

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
