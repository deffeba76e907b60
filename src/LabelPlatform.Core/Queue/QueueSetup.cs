using LabelPlatform.Queue.AvailableJobs;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.ExpireLeases;
using LabelPlatform.Queue.Submit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Queue;

public static class QueueSetup
{
    public static IHostApplicationBuilder AddQueue(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<QueueOptions>(builder.Configuration.GetSection(QueueOptions.Section));
        builder.Services.AddSingleton<QueueConnections>();
        builder.Services.AddSingleton<ClaimBatcher>();
        builder.Services.AddTransient<ClaimNextItem>();
        builder.Services.AddTransient<ClaimFromPool>();
        builder.Services.AddSingleton<SubmitAnswer>();
        builder.Services.AddTransient<Leases.ExtendLease>();
        builder.Services.AddTransient<Skip.SkipItem>();
        builder.Services.AddTransient<Report.ReportItem>();
        builder.Services.AddTransient<Files.ItemAccess>();
        builder.Services.AddSingleton<Files.AssignmentFiles>();
        builder.Services.AddTransient<ExpireLeases.ExpireLeases>();
        builder.Services.AddTransient<ExpireLeasesJob>();
        builder.Services.AddTransient<ListAvailableJobs>();
        builder.Services.AddTransient<Session.LabellingSession>();
        builder.Services.AddTransient<Report.ListItemReports>();
        return builder;
    }
}
