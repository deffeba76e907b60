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
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();

app.Run();

public partial class Program;
