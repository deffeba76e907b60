namespace LabelPlatform.Web;

/// <summary>
/// The web app's own static files live in the repository's top-level wwwroot/ (or where the
/// WebRoot setting says). A published app has them copied into its wwwroot instead.
/// </summary>
public static class WebRoot
{
    /// <summary>Serves the top-level wwwroot beside the framework's and MudBlazor's assets.</summary>
    public static void UseTopLevelWebRoot(this WebApplication app)
    {
        var root = Locate();
        if (root is not null && Directory.Exists(root) && Path.GetFullPath(root) != Path.GetFullPath(app.Environment.WebRootPath ?? "-"))
        {
            app.UseStaticFiles(new StaticFileOptions { FileProvider = new Microsoft.Extensions.FileProviders.PhysicalFileProvider(root) });
        }
    }

    public static string? Locate()
    {
        var configured = Environment.GetEnvironmentVariable("WebRoot");
        if (!string.IsNullOrEmpty(configured))
        {
            return Path.GetFullPath(configured);
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "LabelPlatform.sln")))
                {
                    return Path.Combine(dir.FullName, "wwwroot");
                }
            }
        }

        return null;
    }
}
