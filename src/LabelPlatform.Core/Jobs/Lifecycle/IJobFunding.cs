using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Jobs.Lifecycle;

/// <summary>
/// The money a job's status change moves, inside the status change's own transaction: its budget into
/// escrow on launch, what resuming needs, what is left back to the organisation on cancel. Billing
/// provides it: Billing sits above Jobs (ADR 0018), so Jobs names what it needs and Billing answers.
/// </summary>
public interface IJobFunding
{
    Task<Error?> ReserveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Job job, DateTimeOffset now, CancellationToken ct);

    Task<Error?> CoverForResumeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Job job, DateTimeOffset now, CancellationToken ct);

    Task ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Job job, DateTimeOffset now, CancellationToken ct);
}
