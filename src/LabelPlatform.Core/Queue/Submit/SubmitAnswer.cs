using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Labelling;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.Submit;

public sealed record SubmitOutcome(bool JobCompleted);

/// <summary>Records a worker's answer; the lease check and the write happen in one transaction.</summary>
public sealed class SubmitAnswer(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<Result<SubmitOutcome>> HandleAsync(Guid assignmentId, string workerId, string label, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var assignment = await db.Assignments
            .FromSql($"SELECT * FROM assignments WHERE id = {assignmentId} AND worker_id = {workerId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (assignment is null)
        {
            return Error.NotFound("The assignment");
        }

        var job = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == assignment.JobId, ct);
        var invalid = ClassificationAnswer.Validate(job.Labels, label);
        if (invalid is not null)
        {
            return invalid;
        }

        var wasLeased = assignment.Status == AssignmentStatus.Leased;
        var error = assignment.Submit(label, clock.GetUtcNow());
        if (wasLeased && assignment.Status == AssignmentStatus.Expired)
        {
            // The lease ran out before the sweeper saw it: give the slot back here, in the same transaction.
            await db.Database.ExecuteSqlAsync($"UPDATE items SET remaining_slots = remaining_slots + 1 WHERE id = {assignment.ItemId}", ct);
        }

        if (error is null && wasLeased)
        {
            await db.Database.ExecuteSqlAsync($"UPDATE items SET answer_count = answer_count + 1 WHERE id = {assignment.ItemId}", ct);
        }

        await db.SaveChangesAsync(ct);
        var completed = error is null && wasLeased && await CompleteJobIfFinishedAsync(db, job.Id, ct);
        if (wasLeased)
        {
            await JobChanges.AnnounceAsync(db, job.Id, ct);
        }

        await tx.CommitAsync(ct);
        if (error is not null)
        {
            return error;
        }

        return new SubmitOutcome(completed);
    }

    private async Task<bool> CompleteJobIfFinishedAsync(AppDbContext db, Guid jobId, CancellationToken ct)
    {
        // While a slot is open, a later submission will finish the job. Once none is, the last answers
        // can commit side by side, each still seeing the other's lease as open, and then nobody
        // completes the job: so take the job's row lock first, and the check below, a new statement,
        // sees every submission that held the lock before this one.
        if (await db.Items.AnyAsync(i => i.JobId == jobId && i.RemainingSlots > 0, ct))
        {
            return false;
        }

        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM jobs WHERE id = {jobId} FOR NO KEY UPDATE", ct);
        var now = clock.GetUtcNow();
        var running = nameof(JobStatus.Running);
        var paused = nameof(JobStatus.Paused);
        var completed = nameof(JobStatus.Completed);
        var rows = await db.Database.ExecuteSqlAsync($"""
            UPDATE jobs SET status = {completed}, completed_at = {now}
            WHERE id = {jobId} AND status IN ({running}, {paused})
              AND NOT EXISTS (SELECT 1 FROM items WHERE job_id = {jobId} AND remaining_slots > 0)
              AND NOT EXISTS (SELECT 1 FROM assignments WHERE job_id = {jobId} AND status = 'Leased')
            """, ct);
        return rows == 1;
    }
}
