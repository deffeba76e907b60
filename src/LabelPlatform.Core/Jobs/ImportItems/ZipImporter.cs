using System.IO.Compression;
using System.Security.Cryptography;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Inputs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Jobs.ImportItems;

/// <summary>
/// Imports a zip of images into a job, all or nothing: every file is checked first, and items are
/// only created when every file passed.
/// </summary>
public sealed class ZipImporter(
    IDbContextFactory<AppDbContext> dbFactory,
    IItemStore store,
    ScreenImages screens,
    IOptions<UploadLimits> limits,
    IEnumerable<IItemsImported> imported,
    TimeProvider clock)
{
    private readonly UploadLimits _limits = limits.Value;

    // A directory entry is 46 bytes plus the name (at most a few hundred bytes here) and extras.
    private long MaxDirectoryBytes => 2L * _limits.MaxFiles * 1024;

    public async Task<Result<ImportReport>> ImportAsync(
        Guid jobId, Guid organisationId, Stream zip, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (await JobItems.CheckTargetAsync(dbFactory, jobId, organisationId, texts: false, ct) is { } refused)
        {
            return refused;
        }

        if (zip.CanSeek && zip.Length > _limits.MaxArchiveBytes)
        {
            return ImportReport.Failed($"the zip is {zip.Length:N0} bytes; the limit is {_limits.MaxArchiveBytes:N0} bytes");
        }

        var staged = new List<Item>();
        try
        {
            var report = await CheckAndStageAsync(jobId, zip, staged, progress, ct);
            if (!report.Succeeded)
            {
                DeleteStaged(staged);
                return report with { ItemsAdded = 0 };
            }

            await JobItems.AppendAsync(dbFactory, jobId, staged, ct);
            foreach (var listener in imported)
            {
                await listener.ItemsImportedAsync(jobId, ct);
            }
            return report with { ItemsAdded = staged.Count };
        }
        catch
        {
            DeleteStaged(staged);
            throw;
        }
    }

    private async Task<ImportReport> CheckAndStageAsync(
        Guid jobId, Stream zip, List<Item> staged, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        // Folders have entries of their own, hence room for one folder per file before the exact count below.
        if (ZipDirectory.Declared(zip) is var (declaredEntries, directoryBytes)
            && (declaredEntries > 2L * _limits.MaxFiles || directoryBytes > MaxDirectoryBytes))
        {
            return ImportReport.Failed(declaredEntries > 2L * _limits.MaxFiles
                ? $"the zip's directory lists {declaredEntries:N0} entries; one upload takes at most {_limits.MaxFiles:N0} files"
                : $"the zip's directory is {directoryBytes:N0} bytes, far more than {_limits.MaxFiles:N0} files need");
        }

        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return ImportReport.Failed("the upload is not a zip archive, or the archive is damaged");
        }

        using (archive)
        {
            var entries = archive.Entries.Where(e => ZipPathRules.Classify(e.FullName).Verdict != PathVerdict.Folder).ToList();
            if (entries.Count > _limits.MaxFiles)
            {
                return ImportReport.Failed($"the zip holds {entries.Count:N0} files; the limit is {_limits.MaxFiles:N0}");
            }

            var declared = entries.Sum(e => e.Length);
            if (declared > _limits.MaxExpandedBytes)
            {
                return ImportReport.Failed($"the zip expands to {declared:N0} bytes; the limit is {_limits.MaxExpandedBytes:N0}");
            }

            var files = new List<FileReport>(entries.Count);
            var seen = new HashSet<string>();
            long expanded = 0;
            var now = clock.GetUtcNow();
            for (var i = 0; i < entries.Count; i++)
            {
                ct.ThrowIfCancellationRequested();
                var entry = entries[i];
                var (file, bytes, facts) = await CheckEntryAsync(entry, seen, ct);
                expanded += bytes?.Length ?? 0;
                if (expanded > _limits.MaxExpandedBytes)
                {
                    return ImportReport.Failed($"the zip expands to more than {_limits.MaxExpandedBytes:N0} bytes", files);
                }

                files.Add(file);
                if (facts is not null)
                {
                    staged.Add(await StageAsync(jobId, entry.FullName, bytes!, facts, now, ct));
                }

                progress?.Report(new ImportProgress(i + 1, entries.Count));
            }

            return new ImportReport(null, files, staged.Count);
        }
    }

    private async Task<(FileReport File, byte[]? Bytes, ImageFacts? Facts)> CheckEntryAsync(ZipArchiveEntry entry, HashSet<string> seen, CancellationToken ct)
    {
        var path = entry.FullName;
        var (verdict, reason) = ZipPathRules.Classify(path);
        if (verdict == PathVerdict.SystemFile)
        {
            return (new FileReport(path, FileOutcome.Ignored, reason), null, null);
        }

        if (verdict == PathVerdict.Unsafe)
        {
            return (Reject(path, reason!), null, null);
        }

        const int unixFileTypeMask = 0xF000, unixSymlink = 0xA000;
        if (((entry.ExternalAttributes >> 16) & unixFileTypeMask) == unixSymlink)
        {
            return (Reject(path, "a symbolic link, not a file"), null, null);
        }

        if (!seen.Add(ZipPathRules.Normalise(path)))
        {
            return (Reject(path, "the same path appears twice in the zip"), null, null);
        }

        if (entry.Length > _limits.MaxFileBytes)
        {
            return (Reject(path, $"{entry.Length:N0} bytes is more than the limit of {_limits.MaxFileBytes:N0} bytes per file"), null, null);
        }

        byte[] bytes;
        try
        {
            bytes = await ReadBoundedAsync(entry, ct);
        }
        catch (InvalidDataException e)
        {
            return (Reject(path, $"the zip entry is damaged or encrypted ({e.Message})"), null, null);
        }
        catch (FileTooLargeException)
        {
            return (Reject(path, $"it expands to more than the limit of {_limits.MaxFileBytes:N0} bytes per file"), null, null);
        }

        var (facts, problem) = ImageInspector.Inspect(bytes, _limits.MaxPixels);
        if (facts is null)
        {
            return (Reject(path, problem!), bytes, null);
        }

        return (new FileReport(path, FileOutcome.Accepted, null, bytes.Length, facts.Width, facts.Height), bytes, facts);
    }

    private async Task<byte[]> ReadBoundedAsync(ZipArchiveEntry entry, CancellationToken ct)
    {
        // The header's size can lie; count what actually comes out.
        await using var source = await entry.OpenAsync(ct);
        using var buffer = new MemoryStream((int)Math.Min(entry.Length, _limits.MaxFileBytes));
        var chunk = new byte[81920];
        int read;
        while ((read = await source.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > _limits.MaxFileBytes)
            {
                throw new FileTooLargeException();
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private async Task<Item> StageAsync(Guid jobId, string path, byte[] bytes, ImageFacts facts, DateTimeOffset now, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var item = new Item
        {
            Id = id,
            JobId = jobId,
            SourceName = path,
            StorageKey = $"{jobId:N}/{id:N}{facts.Extension}",
            ContentType = facts.ContentType,
            ByteSize = bytes.Length,
            Width = facts.Width,
            Height = facts.Height,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes)),
            CreatedAt = now,
        };
        await store.PutAsync(item.StorageKey, bytes, ct);
        await screens.PreparePlainCopiesAsync(item.StorageKey, item.Width, bytes, ct);
        return item;
    }

    private void DeleteStaged(List<Item> staged)
    {
        foreach (var item in staged)
        {
            store.Delete(item.StorageKey);
            screens.DeletePlainCopies(item.StorageKey, item.Width);
        }

        staged.Clear();
    }

    private static FileReport Reject(string path, string reason) => new(path, FileOutcome.Rejected, reason);

    private sealed class FileTooLargeException : Exception;
}
