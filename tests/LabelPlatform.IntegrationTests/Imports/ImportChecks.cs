using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.IntegrationTests.Imports;

/// <summary>The all-or-nothing promise of an import, checked where a researcher would look.</summary>
internal static class ImportChecks
{
    public static FileReport AssertRejected(ImportReport report, string path, params string[] reasonWords)
    {
        Assert.False(report.Succeeded);
        Assert.Equal(0, report.ItemsAdded);
        Assert.StartsWith("Nothing was imported", report.Summary);
        var file = Assert.Single(report.Files, f => f.Path == path && f.Outcome == FileOutcome.Rejected);
        foreach (var word in reasonWords)
        {
            Assert.Contains(word, file.Reason, StringComparison.OrdinalIgnoreCase);
        }

        return file;
    }

    public static void AssertArchiveError(ImportReport report, params string[] words)
    {
        Assert.False(report.Succeeded);
        Assert.Equal(0, report.ItemsAdded);
        Assert.NotNull(report.ArchiveError);
        foreach (var word in words)
        {
            Assert.Contains(word, report.ArchiveError, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Contains(report.ArchiveError, report.Summary);
    }

    /// <summary>No item rows, no files on disk, and the job still waits for its first upload.</summary>
    public static async Task AssertNothingStoredAsync(LabelPlatformFactory factory, Job job)
    {
        await using (var db = factory.Database.CreateContext())
        {
            Assert.Equal(0, await db.Items.CountAsync(i => i.JobId == job.Id));
            Assert.Equal(JobStatus.Draft, await db.Jobs.Where(j => j.Id == job.Id).Select(j => j.Status).SingleAsync());
        }

        Assert.Empty(FilesOf(factory, job));
    }

    public static string[] FilesOf(LabelPlatformFactory factory, Job job)
    {
        var folder = Path.Combine(factory.StorageRoot, job.Id.ToString("N"));
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
    }
}
