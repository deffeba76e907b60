using LabelPlatform.Testing;
using Microsoft.AspNetCore.Hosting;

namespace LabelPlatform.IntegrationTests.Imports;

/// <summary>The app with upload limits small enough that a test zip can cross each one on its own.</summary>
public sealed class SmallLimitsFactory : LabelPlatformFactory
{
    public const int MaxFiles = 3;
    public const long MaxFileBytes = 60_000;
    public const long MaxPixels = 20_000;
    public const long MaxExpandedBytes = 85_000;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Uploads:MaxFiles", MaxFiles.ToString());
        builder.UseSetting("Uploads:MaxFileBytes", MaxFileBytes.ToString());
        builder.UseSetting("Uploads:MaxPixels", MaxPixels.ToString());
        builder.UseSetting("Uploads:MaxExpandedBytes", MaxExpandedBytes.ToString());
    }
}
