using LabelPlatform.Accounts;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Review;
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
    public static async Task<IHost> StartAsync(string connectionString, string storageRoot, int threads)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Default"] = connectionString;
        builder.Configuration["Storage:Root"] = storageRoot;
        builder.Configuration["Review:Device"] = "cpu";
        builder.Configuration["Review:IntraOpThreads"] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddData();
        builder.AddAccounts();
        builder.AddJobs();
        builder.AddQueue();
        builder.AddReview();
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
