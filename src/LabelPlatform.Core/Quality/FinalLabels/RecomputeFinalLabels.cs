using Hangfire;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Quality.FinalLabels;

/// <summary>
/// Recomputes a job's final answers, their confidence and its agreement from every answer that counts,
/// then applies dynamic overlap: an item whose answers are all in but whose label is not sure enough
/// gets one more slot, up to the job's maximum; a dynamic job completes once no item wants more.
/// Safe to run twice or side by side: the job row is locked for the write.
/// </summary>
public sealed class RecomputeFinalLabels(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private const string WriteSql = """
        UPDATE items SET final_answer = input.answer, final_label = input.label, final_confidence = input.confidence
        FROM unnest($1::uuid[], $2::jsonb[], $3::text[], $4::real[]) AS input(id, answer, label, confidence)
        WHERE items.id = input.id
        """;

    // Only items with no open slot and nobody on them: the answers they were promised are all in.
    private const string MoreSql = """
        UPDATE items SET remaining_slots = 1
        WHERE id = ANY($1) AND remaining_slots = 0 AND gold_answer IS NULL
          AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = items.id AND a.status = 'Leased')
        """;

    public async Task<RecomputeOutcome> HandleAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Jobs.FromSql($"SELECT * FROM jobs WHERE id = {jobId} FOR NO KEY UPDATE").AsNoTracking().SingleOrDefaultAsync(ct);
        if (job is null)
        {
            return new RecomputeOutcome(0, 0, false);
        }

        var now = clock.GetUtcNow();
        var itemIds = await db.Items.Where(i => i.JobId == jobId && i.GoldAnswer == null && !(i.MachineLabel != null && !i.MachineAudit))
            .OrderBy(i => i.Ordinal).Select(i => i.Id).ToListAsync(ct);
        var rows = await db.Assignments.AsNoTracking()
            .Where(a => a.JobId == jobId && a.Status == AssignmentStatus.Submitted && itemIds.Contains(a.ItemId))
            .Select(a => new { a.ItemId, a.WorkerId, a.Label, a.AnswerJson })
            .ToListAsync(ct);
        var answers = rows.Select(r => new CrowdAnswer(r.ItemId, r.WorkerId, Answer.FromJson(r.AnswerJson) ?? Answer.OneLabel(r.Label ?? ""))).ToList();
        var gold = await db.WorkerJobQuality.AsNoTracking().Where(q => q.JobId == jobId)
            .ToDictionaryAsync(q => q.WorkerId, q => (q.GoldAnswers, q.GoldCorrect), ct);

        var (finals, agreement) = FinalAnswers.Compute(job, itemIds, answers, gold);

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)tx.GetDbTransaction();
        await using (var write = new NpgsqlCommand(WriteSql, connection, transaction))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.ItemId).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.Answer?.ToJson()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.Label).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.Answer is null ? (float?)null : (float)f.Confidence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Real });
            await write.ExecuteNonQueryAsync(ct);
        }

        var asked = 0;
        var completed = false;
        var dynamic = job.QualityPolicy.IsDynamic(job.AnswersPerItem) && !job.Kind.DrawsBoxes() && !job.Kind.AllowsManyLabels();
        if (dynamic && job.Status is JobStatus.Running or JobStatus.Paused)
        {
            var more = finals.Where(f => f.Answers >= job.AnswersPerItem && FinalAnswers.Overlap(job, f) == OverlapDecision.AskForOneMore).Select(f => f.ItemId).ToArray();
            if (more.Length > 0)
            {
                await using var ask = new NpgsqlCommand(MoreSql, connection, transaction) { Parameters = { new() { Value = more } } };
                asked = await ask.ExecuteNonQueryAsync(ct);
            }

            await using var complete = new NpgsqlCommand(Jobs.Lifecycle.JobCompletion.Sql, connection, transaction);
            complete.Parameters.Add(new NpgsqlParameter { Value = new[] { jobId } });
            complete.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            complete.Parameters.Add(new NpgsqlParameter { Value = true });
            completed = await complete.ExecuteScalarAsync(ct) is not null;
        }

        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(u => u.SetProperty(j => j.Agreement, agreement).SetProperty(j => j.FinalLabelsAt, now), ct);
        await JobChanges.AnnounceAsync(db, jobId, ct);
        await tx.CommitAsync(ct);
        return new RecomputeOutcome(finals.Count(f => f.Answer is not null), asked, completed);
    }
}

/// <param name="Labelled">Items with a final answer.</param>
/// <param name="AskedForMore">Items that got one more slot under dynamic overlap.</param>
public sealed record RecomputeOutcome(int Labelled, int AskedForMore, bool Completed);

/// <summary>
/// Every minute: jobs with answers or blocks newer than their final labels get them recomputed, in the
/// background and never by a page request. One job per job id at a time is enough (the row lock serialises).
/// </summary>
public sealed class FinalLabelsSweep(NpgsqlDataSource dataSource, RecomputeFinalLabels recompute)
{
    private const string StaleJobsSql = """
        SELECT j.id FROM jobs j
        WHERE j.status IN ('Running', 'Paused', 'Completed')
          AND (EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.status IN ('Submitted', 'Discarded')
                       AND a.submitted_at > coalesce(j.final_labels_at, '-infinity'))
               OR EXISTS (SELECT 1 FROM worker_job_quality q WHERE q.job_id = j.id AND q.blocked_at > coalesce(j.final_labels_at, '-infinity')))
        """;

    [AutomaticRetry(Attempts = 1)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<Guid>();
        await using (var command = dataSource.CreateCommand(StaleJobsSql))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                jobs.Add(reader.GetGuid(0));
            }
        }

        foreach (var jobId in jobs)
        {
            await recompute.HandleAsync(jobId, cancellationToken);
        }
    }
}
