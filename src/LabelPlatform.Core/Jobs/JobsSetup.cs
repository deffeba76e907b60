using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Jobs.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Jobs;

public static class JobsSetup
{
    public static IHostApplicationBuilder AddJobs(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<UploadLimits>(builder.Configuration.GetSection(UploadLimits.Section));
        var root = builder.Configuration["Storage:Root"] ?? Path.Combine(builder.Environment.ContentRootPath, ".data", "items");
        builder.Services.AddSingleton<IItemStore>(new LocalDiskItemStore(root));
        builder.Services.AddSingleton<JobProgressNotifier>();
        builder.Services.AddHostedService<JobChangeListener>();
        builder.Services.AddTransient<CreateJob.CreateJob>();
        builder.Services.AddTransient<ChangeJobStatus>();
        builder.Services.AddTransient<EditJob.EditJob>();
        builder.Services.AddTransient<Labels.PreAnnotations>();
        builder.Services.AddTransient<ZipImporter>();
        builder.Services.AddTransient<TextImporter>();
        builder.Services.AddTransient<GetJobCounts>();
        builder.Services.AddTransient<ListJobs.ListOrganisationJobs>();
        builder.Services.AddTransient<ListJobs.FindOrganisationJob>();
        builder.Services.AddTransient<ListJobs.PageOrganisationJobs>();
        builder.Services.AddTransient<ScreenImages>();
        builder.Services.AddTransient<Examples.JobExamples>();
        return builder;
    }
}
