using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Billing.Escrow;

/// <summary>A job's status changes, as escrow sees them (<see cref="JobBudget"/>).</summary>
internal sealed class JobFunding(IOptions<BillingOptions> billing) : IJobFunding
{
    public Task<Error?> ReserveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Job job, DateTimeOffset now, CancellationToken ct) =>
        JobBudget.ReserveAsync(connection, tx, job, billing.Value, now, ct);

    public Task<Error?> CoverForResumeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Job job, DateTimeOffset now, CancellationToken ct) =>
        JobBudget.CoverForResumeAsync(connection, tx, job, now, ct);

    public Task ReleaseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Job job, DateTimeOffset now, CancellationToken ct) =>
        JobBudget.ReleaseAsync(connection, tx, job.Id, job.OrganisationId, job.Currency, job.PricePerAnswer + job.FeePerAnswer, now, ct);
}
