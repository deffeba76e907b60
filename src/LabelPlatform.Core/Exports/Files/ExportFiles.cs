using Hangfire;
using LabelPlatform.Common;
using LabelPlatform.Common.Events;
using LabelPlatform.Data;
using LabelPlatform.Jobs.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Exports.Files;

/// <summary>Asks for an export to be prepared in the background (<see cref="ExportFileJob"/>).</summary>
public sealed class RequestExport(IDbContextFactory<AppDbContext> dbFactory, ExportJobResults exports, IBackgroundJobClient jobs, TimeProvider clock)
{
    /// <summary>Exports being prepared at once per organisation; more wait for one to finish.</summary>
    public const int MaxUnderWay = 3;

    public async Task<Result<ExportFile>> HandleAsync(Guid jobId, Guid organisationId, string userId, ExportOptions options, CancellationToken ct = default)
    {
        var job = await exports.CheckAsync(jobId, organisationId, options, ct);
        if (!job.IsSuccess)
        {
            return job.Error!;
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (await db.ExportFiles.CountAsync(f => f.OrganisationId == organisationId && (f.Status == ExportFileStatus.Queued || f.Status == ExportFileStatus.Running), ct) >= MaxUnderWay)
        {
            return Error.Conflict($"Your organisation has {MaxUnderWay} exports under way. Wait for one to finish.");
        }

        var file = new ExportFile
        {
            Id = Guid.CreateVersion7(),
            JobId = jobId,
            OrganisationId = organisationId,
            RequestedByUserId = userId,
            Format = options.Format,
            Options = System.Text.Json.JsonSerializer.Serialize(options),
            FileName = options.FileName(job.Value!.Name),
            Status = ExportFileStatus.Queued,
            CreatedAt = clock.GetUtcNow(),
        };
        db.ExportFiles.Add(file);
        await db.SaveChangesAsync(ct);
        jobs.Enqueue<ExportFileJob>(j => j.RunAsync(file.Id, CancellationToken.None));
        return file;
    }
}

/// <summary>Prepares one requested export: safe to run twice (a finished one is left alone, an interrupted one starts again).</summary>
public sealed class ExportFileJob(IDbContextFactory<AppDbContext> dbFactory, ExportJobResults exports, IItemStore store, IOptions<ExportFileOptions> options, TimeProvider clock)
{
    [AutomaticRetry(Attempts = 2)]
    public async Task RunAsync(Guid exportId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var file = await db.ExportFiles.FirstOrDefaultAsync(f => f.Id == exportId, ct);
        if (file is null || file.Status is not (ExportFileStatus.Queued or ExportFileStatus.Running))
        {
            return;
        }

        file.Status = ExportFileStatus.Running;
        file.ItemsDone = 0;
        await db.SaveChangesAsync(ct);

        var temp = Path.GetTempFileName();
        try
        {
            var lastSaved = DateTimeOffset.MinValue;
            var progress = new Reporter(p =>
            {
                // At most about once a second: the page's bar moves, the database is not written per page.
                file.ItemsDone = p.ItemsDone;
                file.ItemsTotal = p.ItemsTotal;
                if (clock.GetUtcNow() - lastSaved > TimeSpan.FromSeconds(1))
                {
                    lastSaved = clock.GetUtcNow();
                    db.ExportFiles.Where(f => f.Id == exportId).ExecuteUpdate(s => s.SetProperty(f => f.ItemsDone, p.ItemsDone).SetProperty(f => f.ItemsTotal, p.ItemsTotal));
                }
            });
            Error? error;
            await using (var output = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                error = await exports.WriteAsync(file.JobId, file.OrganisationId, file.ReadOptions(), output, progress, ct);
            }

            if (error is not null)
            {
                file.Status = ExportFileStatus.Failed;
                file.Error = error.Message;
            }
            else
            {
                var key = $"exports/{file.OrganisationId:N}/{file.Id:N}.export";
                await store.PutFileAsync(key, temp, ct);
                file.StorageKey = key;
                file.Bytes = new FileInfo(temp).Length;
                file.Status = ExportFileStatus.Ready;
                file.ExpiresAt = clock.GetUtcNow().AddHours(Math.Max(1, options.Value.KeepHours));
            }

            file.FinishedAt = clock.GetUtcNow();
            db.OrganisationEvents.Add(OrganisationEvent.Create(file.OrganisationId,
                file.Status == ExportFileStatus.Ready ? OrganisationEventTypes.ExportReady : OrganisationEventTypes.ExportFailed, file.JobId,
                new ExportEventData(file.Id, file.JobId, file.Format.ToString().ToLowerInvariant(), file.FileName, file.Bytes, file.ExpiresAt,
                    file.Status == ExportFileStatus.Ready ? $"/api/v1/exports/{file.Id}/file" : null, file.Error), file.FinishedAt.Value));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Progress on the writer's own thread, so the count saved at the end is the last one.</summary>
    private sealed class Reporter(Action<ExportProgress> report) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) => report(value);
    }
}

/// <summary>A job's exports, newest first, and one export's file while it is kept.</summary>
public sealed class ExportFiles(IDbContextFactory<AppDbContext> dbFactory, IItemStore store, TimeProvider clock)
{
    public async Task<List<ExportFile>> ListAsync(Guid jobId, Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ExportFiles.AsNoTracking().Where(f => f.JobId == jobId && f.OrganisationId == organisationId)
            .OrderByDescending(f => f.CreatedAt).Take(20).ToListAsync(ct);
    }

    public async Task<ExportFile?> FindAsync(Guid exportId, Guid organisationId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.ExportFiles.AsNoTracking().FirstOrDefaultAsync(f => f.Id == exportId && f.OrganisationId == organisationId, ct);
    }

    /// <summary>The file, if it is ready and still kept.</summary>
    public async Task<(ExportFile File, Stream Content)?> OpenAsync(Guid exportId, Guid organisationId, CancellationToken ct = default)
    {
        var file = await FindAsync(exportId, organisationId, ct);
        if (file is not { Status: ExportFileStatus.Ready, StorageKey: { } key } || file.ExpiresAt <= clock.GetUtcNow())
        {
            return null;
        }

        return store.OpenRead(key) is { } content ? (file, content) : null;
    }
}

/// <summary>Deletes exports past their keeping time (hourly).</summary>
public sealed class ExpireExportFilesJob(IDbContextFactory<AppDbContext> dbFactory, IItemStore store, TimeProvider clock)
{
    public async Task RunAsync(CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var expired = await db.ExportFiles.Where(f => f.Status == ExportFileStatus.Ready && f.ExpiresAt <= now).ToListAsync(ct);
        foreach (var file in expired)
        {
            if (file.StorageKey is { } key)
            {
                store.Delete(key);
            }

            file.Status = ExportFileStatus.Expired;
            file.StorageKey = null;
        }

        await db.SaveChangesAsync(ct);
    }
}

/// <summary>The data of export.ready and export.failed: the file is fetched with an API key from <paramref name="DownloadPath"/>.</summary>
public sealed record ExportEventData(Guid ExportId, Guid JobId, string Format, string FileName, long? Bytes, DateTimeOffset? ExpiresAt, string? DownloadPath, string? Error);
