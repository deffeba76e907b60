namespace LabelPlatform.Web;

/// <summary>The web app's static files live in the repository's top-level wwwroot/, or where WebRoot says.</summary>
public static class WebRoot
{
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
