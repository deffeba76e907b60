using LabelPlatform.Exports;
using LabelPlatform.Jobs;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>Exports as text, written by the use case the download endpoints call.</summary>
public static class Exports
{
    public static async Task<string> ResultsCsvAsync(this LabelPlatformFactory factory, Job job) =>
        System.Text.Encoding.UTF8.GetString(await factory.ExportAsync(job, new ExportOptions(ExportFormat.Csv)));

    public static async Task<byte[]> ExportAsync(this LabelPlatformFactory factory, Job job, ExportOptions options)
    {
        using var output = new MemoryStream();
        var error = await factory.Services.GetRequiredService<ExportJobResults>().WriteAsync(job.Id, job.OrganisationId, options, output);
        Assert.Null(error);
        return output.ToArray();
    }
}
