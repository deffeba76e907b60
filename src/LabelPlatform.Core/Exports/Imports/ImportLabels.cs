using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Labels;
using LabelPlatform.Quality.Gold;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Exports.Imports;

public enum LabelImportTarget
{
    /// <summary>Suggestions workers see (and may change) where the job shows suggestions.</summary>
    Suggestions,

    /// <summary>Known answers workers are checked against.</summary>
    Gold,
}

/// <summary>
/// Imports a researcher's existing labels into a job's items: COCO or YOLO (box jobs), CSV or JSONL (any job), as
/// suggestions or as gold. Every row is checked against the job's labels and rules; any problem and nothing is
/// applied, with each problem named by where it is in the file.
/// </summary>
public sealed class ImportLabels(IDbContextFactory<AppDbContext> dbFactory, PreAnnotations suggestions, GoldItems gold)
{
    public async Task<Result<LabelImportReport>> HandleAsync(
        Guid jobId, Guid organisationId, string fileName, Stream content, LabelImportTarget target, CancellationToken ct = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
            if (job is null)
            {
                return Error.NotFound("The job");
            }

            if (LabelFiles.KindOf(fileName) is LabelFiles.Kind.Coco or LabelFiles.Kind.Yolo && !job.Kind.DrawsBoxes())
            {
                return Error.Validation("COCO and YOLO hold boxes, and this job's answers are labels: give a CSV (item, label) or JSONL file.");
            }
        }

        List<LabelRow> rows;
        try
        {
            rows = await LabelFiles.ReadAsync(fileName, content, includeEmpty: target == LabelImportTarget.Gold, ct);
        }
        catch (FormatException e)
        {
            return Error.Validation($"No labels were imported: {e.Message}.");
        }

        if (target == LabelImportTarget.Suggestions)
        {
            return await suggestions.ImportRowsAsync(jobId, organisationId, rows, ct);
        }

        var marked = await gold.ImportRowsAsync(jobId, organisationId, rows, ct);
        return marked.IsSuccess ? new LabelImportReport(marked.Value!.Marked, marked.Value.Problems) : marked.Error!;
    }
}
