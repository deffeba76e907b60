using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Queue.ClaimNext;

public sealed record Claim(Guid AssignmentId, Guid ItemId, DateTimeOffset LeaseExpiresAt);

/// <summary>
/// Hands a worker the next item of a job with a lease. A worker who already holds a live lease in
/// the job gets that one back (a reload must not burn a slot).
/// </summary>
public sealed class ClaimNextItem(IDbContextFactory<AppDbContext> dbFactory, IOptions<QueueOptions> options, TimeProvider clock)
{
    public static readonly Error NoWorkLeft = new("no_work", "There is nothing left for you in this job.");

    public async Task<Result<Claim>> HandleAsync(Guid jobId, string workerId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var status = await db.Jobs.Where(j => j.Id == jobId).Select(j => (JobStatus?)j.Status).SingleOrDefaultAsync(ct);
        if (status is null)
        {
            return Error.NotFound("The job");
        }

        if (status != JobStatus.Running)
        {
            return Error.Conflict($"This job is {status.ToString()!.ToLowerInvariant()} and hands out no work.");
        }

        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        // One claim per worker at a time: two tabs of the same worker must not race each other.
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({workerId}, 0))", ct);

        var held = await db.Assignments
            .Where(a => a.JobId == jobId && a.WorkerId == workerId && a.Status == AssignmentStatus.Leased && a.LeaseExpiresAt > now)
            .OrderBy(a => a.LeasedAt)
            .Select(a => new Claim(a.Id, a.ItemId, a.LeaseExpiresAt))
            .FirstOrDefaultAsync(ct);
        if (held is not null)
        {
            await tx.CommitAsync(ct);
            return held;
        }

        var expires = now + options.Value.LeaseDuration;
        var assignmentId = Guid.CreateVersion7();

        // Pick, take a slot and lease in one statement; SKIP LOCKED lets concurrent workers pass each other.
        var claimed = await db.Database.SqlQuery<Guid>($"""
            WITH picked AS (
                SELECT i.id FROM items i
                WHERE i.job_id = {jobId} AND i.remaining_slots > 0
                  AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.worker_id = {workerId})
                ORDER BY i.ordinal
                LIMIT 1
                FOR UPDATE SKIP LOCKED
            ), taken AS (
                UPDATE items SET remaining_slots = remaining_slots - 1
                FROM picked WHERE items.id = picked.id
                RETURNING items.id
            )
            INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at)
            SELECT {assignmentId}, {jobId}, taken.id, {workerId}, 'Leased', {now}, {expires} FROM taken
            RETURNING item_id AS "Value"
            """).ToListAsync(ct);
        await tx.CommitAsync(ct);

        return claimed.Count == 0 ? NoWorkLeft : new Claim(assignmentId, claimed[0], expires);
    }
}
