using LabelPlatform.Accounts;
using LabelPlatform.Billing;
using LabelPlatform.Data;
using LabelPlatform.Exports;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality;
using LabelPlatform.Queue;
using LabelPlatform.Review;
using LabelPlatform.Webhooks;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform;

/// <summary>
/// The product's services, registered the same way by every host: the web node, the review worker
/// and the benchmarks (which measure the product, not a copy of its wiring). A capability added
/// here reaches all of them at once; what differs per host (pages, background queues) is added by
/// the host after this. Capabilities are added in their layers' order, lowest first (ADR 0018).
/// </summary>
public static class ProductSetup
{
    public static IHostApplicationBuilder AddLabelPlatform(this IHostApplicationBuilder builder)
    {
        builder.AddData();
        builder.AddAccounts();
        builder.AddLabelling();
        builder.AddJobs();
        builder.AddBilling();
        builder.AddQuality();
        builder.AddReview();
        builder.AddQueue();
        builder.AddExports();
        builder.AddWebhooks();
        return builder;
    }
}
