using LabelPlatform.Common;

namespace LabelPlatform.Exports.Csv;

/// <summary>The results CSV the job page links to: every item, with every answer (see <see cref="Formats.CsvWriter"/>).</summary>
public sealed class ExportJobCsv(ExportJobResults export)
{
    public Task<Error?> WriteAsync(Guid jobId, Guid organisationId, Stream output, CancellationToken ct = default) =>
        export.WriteAsync(jobId, organisationId, new ExportOptions(ExportFormat.Csv), output, ct: ct);
}
