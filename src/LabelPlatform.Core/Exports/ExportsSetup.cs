using LabelPlatform.Exports.Csv;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Exports;

public static class ExportsSetup
{
    /// <summary>Exports read every capability's results; nothing below them depends on them.</summary>
    public static IHostApplicationBuilder AddExports(this IHostApplicationBuilder builder)
    {
        builder.Services.AddTransient<ExportJobResults>();
        builder.Services.AddTransient<ExportJobCsv>();
        builder.Services.AddTransient<ItemResults.JobItemResults>();
        builder.Services.Configure<Files.ExportFileOptions>(builder.Configuration.GetSection(Files.ExportFileOptions.Section));
        builder.Services.AddTransient<Files.RequestExport>();
        builder.Services.AddTransient<Files.ExportFileJob>();
        builder.Services.AddTransient<Files.ExportFiles>();
        builder.Services.AddTransient<Files.ExpireExportFilesJob>();
        builder.Services.AddTransient<Imports.ImportLabels>();
        builder.Services.AddTransient<JobWorkerPseudonyms>();
        return builder;
    }
}
