using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Exports.Formats;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Exports;

/// <summary>
/// Writes a job's results in one of the export formats to a stream, as it reads them: a page of items at
/// a time from one snapshot, so memory stays flat whatever the job's size. The final labels are
/// recomputed first when anything changed since the last recompute.
/// </summary>
public sealed class ExportJobResults(IDbContextFactory<AppDbContext> dbFactory, Quality.FinalLabels.RecomputeFinalLabels recompute)
{
    /// <summary>Checks the job and options before anything is written: a refusal here can still be an HTTP status.</summary>
    public async Task<Result<Job>> CheckAsync(Guid jobId, Guid organisationId, ExportOptions options, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        return options.Problem(job.Kind) is { } problem ? problem : job;
    }

    public async Task<Error?> WriteAsync(Guid jobId, Guid organisationId, ExportOptions options, Stream output, IProgress<ExportProgress>? progress = null, CancellationToken ct = default)
    {
        var checkedJob = await CheckAsync(jobId, organisationId, options, ct);
        if (!checkedJob.IsSuccess)
        {
            return checkedJob.Error;
        }

        if (checkedJob.Value!.Status != JobStatus.Draft)
        {
            await recompute.EnsureFreshAsync(jobId, ct);
        }

        // The CSV's vote columns are made of the answers; the other formats carry them only when asked.
        var withAnswers = options.IncludeAnswers || options.Format == ExportFormat.Csv;
        await using var reader = await ExportReader.OpenAsync(dbFactory, jobId, organisationId, options, withAnswers, ct);
        if (reader is null)
        {
            return Error.NotFound("The job");
        }

        long done = 0;
        progress?.Report(new ExportProgress(0, reader.Total));
        void Written(long items) => progress?.Report(new ExportProgress(done += items, reader.Total));
        await (options.Format switch
        {
            ExportFormat.Coco => CocoWriter.WriteAsync(reader, options, output, Written, ct),
            ExportFormat.Yolo => YoloWriter.WriteAsync(reader, options, output, Written, ct),
            ExportFormat.Voc => VocWriter.WriteAsync(reader, options, output, Written, ct),
            ExportFormat.Csv => CsvWriter.WriteAsync(reader, output, Written, ct),
            _ => JsonLinesWriter.WriteAsync(reader, options, output, Written, ct),
        });
        await output.FlushAsync(ct);
        return null;
    }
}
