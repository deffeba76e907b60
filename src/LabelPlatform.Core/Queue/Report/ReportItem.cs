using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.Report;

/// <summary>
/// A worker reports the item they hold as broken instead of answering: the report is kept for the
/// researcher, the worker's slot goes back to the queue (someone else may still answer it) and
/// the worker never gets the item again. One statement, so it happens whole or not at all.
/// </summary>
public sealed class ReportItem(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly string ReportSql = Sql.Named("Queue/Report/ReportItem.sql", "Report");

    public async Task<Error?> HandleAsync(Guid assignmentId, string workerId, ReportReason reason, string? note, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(reason))
        {
            return Error.Validation("Choose what is wrong with the item.");
        }

        note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        if (note is { Length: > ItemReport.MaxNoteLength })
        {
            return Error.Validation($"The note is {note.Length} characters; keep it to {ItemReport.MaxNoteLength}.");
        }

        if (reason == ReportReason.Other && note is null)
        {
            return Error.Validation("Say in a few words what is wrong with the item.");
        }

        await using var command = Sql.Command(dataSource, ReportSql, assignmentId, workerId, clock.GetUtcNow(), reason.ToString(), note, "Reported: " + ItemReport.Describe(reason), Guid.CreateVersion7());
        return await command.ExecuteScalarAsync(ct) is null
            ? Error.Conflict("This item is no longer yours to report: it was submitted, skipped or its time ran out.")
            : null;
    }
}
