using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Jobs.Labels;

public sealed record LabelImportReport(int Applied, IReadOnlyList<string> Problems)
{
    public bool Succeeded => Problems.Count == 0;
}

/// <summary>
/// Sets items' pre-annotations from a researcher's existing labels: what workers see as a suggestion (where the
/// job shows suggestions), never evidence for the final label (only a model's calibrated confidence is).
/// All rows or none. Gold items take them like any other (so gold stays indistinguishable): a suggestion that is the
/// gold answer makes that check easy, which is the researcher's call.
/// </summary>
public sealed class PreAnnotations(IDbContextFactory<AppDbContext> dbFactory)
{
    public async Task<Result<LabelImportReport>> ImportRowsAsync(Guid jobId, Guid organisationId, IReadOnlyList<LabelRow> rows, CancellationToken ct = default)
    {
        if (rows.Count == 0)
        {
            return Error.Validation("No labels were imported: the file holds no labels.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId && j.OrganisationId == organisationId, ct);
        if (job is null)
        {
            return Error.NotFound("The job");
        }

        var items = await db.Items.Where(i => i.JobId == jobId).ToListAsync(ct);
        var matched = ItemLabels.Match(job, items, rows);
        if (!matched.Succeeded)
        {
            return new LabelImportReport(0, matched.Problems);
        }

        foreach (var (item, answer, _) in matched.Rows)
        {
            item.PreAnnotation = answer.ToJson();
        }

        await db.SaveChangesAsync(ct);
        return new LabelImportReport(matched.Rows.Count, []);
    }
}
