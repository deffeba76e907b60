using LabelPlatform;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Bench.Review;

/// <summary>
/// The product as the review worker runs it (src/LabelPlatform.Worker/Program.cs), minus Hangfire:
/// the benchmark calls the review batch itself. Without Hangfire, registering a model or importing
/// items asks for no background pass of model-sized copies; the seeder runs that pass itself.
/// </summary>
public static class ReviewHost
{
    public static Task<IHost> StartAsync(string connectionString, string storageRoot, int threads) =>
        StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Default"] = connectionString,
            ["Storage:Root"] = storageRoot,
            ["Review:Device"] = "cpu",
            ["Review:IntraOpThreads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    /// <summary>The same product, with billing too (the settlement benchmark), configured by <paramref name="settings"/>.</summary>
    public static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddLabelPlatform();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
