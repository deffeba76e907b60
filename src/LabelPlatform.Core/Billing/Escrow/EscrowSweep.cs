using Hangfire;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Common;
using LabelPlatform.Common.Events;
using LabelPlatform.Jobs.Progress;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace LabelPlatform.Billing.Escrow;

/// <summary>
/// Minutely: finished and cancelled jobs give back what their escrow holds beyond the answers still in
/// hand; running jobs whose escrow no longer covers the work still to come (more answers per item
/// under dynamic overlap, more gold than budgeted) are topped up from funds, or paused when the funds
/// run out. Safe to run twice: every step works from locked balances.
/// </summary>
public sealed class EscrowSweep(NpgsqlDataSource dataSource, TimeProvider clock, ILogger<EscrowSweep> logger)
{
    private static readonly string JobsSql = Sql.Named("Billing/Escrow/EscrowSweep.sql", "Jobs");

    private static readonly string PauseSql = Sql.Named("Billing/Escrow/EscrowSweep.sql", "Pause");

    private sealed record Candidate(Guid JobId, Guid OrganisationId, string Currency, long Unit, string Status);

    [AutomaticRetry(Attempts = 1)]
    public async Task RunAsync(CancellationToken ct)
    {
        var candidates = new List<Candidate>();
        await using (var read = Sql.Command(dataSource, JobsSql))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                candidates.Add(new Candidate(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetInt64(3), reader.GetString(4)));
            }
        }

        foreach (var job in candidates)
        {
            await SweepAsync(job, ct);
        }
    }

    private async Task SweepAsync(Candidate job, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (job.Status != "Running")
        {
            await JobBudget.ReleaseAsync(connection, tx, job.JobId, job.OrganisationId, job.Currency, job.Unit, now, ct);
            await tx.CommitAsync(ct);
            return;
        }

        var topUp = await JobBudget.TopUpAsync(connection, tx, job.JobId, job.OrganisationId, job.Currency, job.Unit, allOrNothing: false, "Topped up for more answers per item", now, ct);
        if (topUp.Shortfall == 0)
        {
            return;
        }

        if (topUp.Uncovered > 0)
        {
            await using var pause = Sql.Command(connection, tx, PauseSql, job.JobId);
            if (await pause.ExecuteScalarAsync(ct) is string name)
            {
                await OrganisationEvent.WriteAsync(connection, tx, job.OrganisationId, OrganisationEventTypes.JobPaused, job.JobId,
                    new Jobs.Lifecycle.JobEventData(job.JobId, name, "paused", Jobs.Lifecycle.JobEventData.FundsExhausted), now, ct);
            }

            await JobChanges.AnnounceAsync(connection, tx, job.JobId, ct);
            logger.LogWarning("Job {JobId} paused: its organisation's funds cannot cover the work still to come", job.JobId);
        }

        await tx.CommitAsync(ct);
    }
}
