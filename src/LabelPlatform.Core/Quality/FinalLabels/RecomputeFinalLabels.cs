using Hangfire;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Queue;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Quality.FinalLabels;

/// <summary>
/// Recomputes a job's final answers, their posterior, source and state, the model's calibration and the job's
/// agreement from every answer that counts (rejected and discarded answers do not), then applies the labelling
/// policy: an item whose answers are all in but whose label is not sure enough gets one more slot (dynamic
/// overlap), up to the job's maximum; an item the model settled before launch goes to people once the calibrated
/// model turns out less sure than the job asks; under dynamic overlap an item that became sure stops taking
/// answers. A dynamic job completes once no item wants more. Safe to run twice or side by side: the job row is
/// locked for the write. Anything that changes which answers count without a new submission (a rejection by a reviewer
/// or the model, a dispute's outcome, a reviewer's decision on an undecided item) records the change in
/// job_label_changes, in its own transaction, and queues a recompute after it commits; the sweep catches any it missed.
/// </summary>
public sealed class RecomputeFinalLabels(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    private static readonly string WriteSql = Sql.Named("Quality/FinalLabels/RecomputeFinalLabels.sql", "Write");

    // Only items with no open slot and nobody on them: the answers they were promised are all in. An item the
    // model settled before launch gets the job's first answers and stops being machine-labelled.
    private static readonly string MoreSql = Sql.Named("Quality/FinalLabels/RecomputeFinalLabels.sql", "More");

    // Dynamic overlap: an item as sure as the job asks takes no more answers (a lease already out still lands).
    private static readonly string EnoughSql = Sql.Named("Quality/FinalLabels/RecomputeFinalLabels.sql", "Enough");

    /// <summary>Whether the job's final labels miss a change (answers, blocks, rejections, decisions).</summary>
    private static readonly string StaleSql = Sql.Named("Quality/FinalLabels/RecomputeFinalLabels.sql", "Stale");

    /// <summary>Recomputes the job's final labels if anything changed since the last recompute (an export's first step).</summary>
    public async Task EnsureFreshAsync(Guid jobId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        await using var stale = Sql.Command(connection, null, StaleSql, jobId);
        if (await stale.ExecuteScalarAsync(ct) is true)
        {
            await HandleAsync(jobId, ct);
        }
    }

    [AutomaticRetry(Attempts = 3)]
    public async Task<RecomputeOutcome> HandleAsync(Guid jobId, CancellationToken ct = default)
    {
        // Taken before the snapshot: a change committed after it carries a later time, so the sweep sees it as newer.
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var job = await db.Jobs.ForNoKeyUpdate(jobId).AsNoTracking().SingleOrDefaultAsync(ct);
        if (job is null)
        {
            return new RecomputeOutcome(0, 0, false);
        }

        var itemRows = await db.Items.AsNoTracking().Where(i => i.JobId == jobId && i.GoldAnswer == null).OrderBy(i => i.Ordinal)
            .Select(i => new { i.Id, i.PreAnnotation, i.MachineLabel, i.MachineConfidence, i.MachineAudit, i.DecidedLabel, i.DecidedBy })
            .ToListAsync(ct);
        var deciders = itemRows.Where(i => i.DecidedBy is not null).Select(i => i.DecidedBy!).Distinct().ToList();
        var reviewers = await db.ReviewerQuality.AsNoTracking().Where(r => deciders.Contains(r.ReviewerId)).ToDictionaryAsync(r => r.ReviewerId, r => r.Accuracy, ct);
        var items = itemRows.Select(i => new AggregationItem(
            i.Id, i.MachineLabel ?? Answer.FromJson(i.PreAnnotation)?.SingleLabel, i.MachineConfidence, i.MachineLabel is not null && !i.MachineAudit, i.MachineAudit,
            i.DecidedLabel, i.DecidedBy is null ? 0 : reviewers.GetValueOrDefault(i.DecidedBy, QualityPolicy.Accuracy(0, 0)))).ToList();
        var rows = await db.Assignments.AsNoTracking()
            .Where(a => a.JobId == jobId && a.Status == AssignmentStatus.Submitted && db.Items.Any(i => i.Id == a.ItemId && i.GoldAnswer == null))
            .Select(a => new { a.ItemId, a.WorkerId, a.Label, a.AnswerJson })
            .ToListAsync(ct);
        var answers = rows.Select(r => new CrowdAnswer(r.ItemId, r.WorkerId, Answer.FromJson(r.AnswerJson) ?? Answer.OneLabel(r.Label ?? ""))).ToList();
        var gold = await db.WorkerJobQuality.AsNoTracking().Where(q => q.JobId == jobId)
            .ToDictionaryAsync(q => q.WorkerId, q => (q.GoldAnswers, q.GoldCorrect), ct);

        var (finals, agreement, calibration) = FinalAnswers.Compute(job, items, answers, gold);
        var held = items.Where(i => i.MachineHeld).Select(i => i.Id).ToHashSet();

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var transaction = (NpgsqlTransaction)tx.GetDbTransaction();
        await using (var write = Sql.Command(connection, transaction, WriteSql))
        {
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.ItemId).ToArray() });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.Answer?.ToJson()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.Label).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.Answer is null ? (float?)null : (float)f.Confidence).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Real });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.Source).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            write.Parameters.Add(new NpgsqlParameter { Value = finals.Select(f => f.State).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            write.Parameters.Add(new NpgsqlParameter { Value = job.OrganisationId });
            write.Parameters.Add(new NpgsqlParameter { Value = jobId });
            await write.ExecuteNonQueryAsync(ct);
        }

        var asked = 0;
        var completed = false;
        var dynamic = job.QualityPolicy.IsDynamic(job.AnswersPerItem);
        if (job.Status is JobStatus.Running or JobStatus.Paused)
        {
            // Held by the model, and the calibrated model is not sure enough: people label it after all (any job).
            // Dynamic overlap: one more answer for an item whose promised answers are in and which is still unsure.
            var more = finals.Where(f => f.State is null && (held.Contains(f.ItemId) ? calibration?.Fitted == true : dynamic && f.Answers >= job.AnswersPerItem))
                .Select(f => f.ItemId).ToArray();
            if (more.Length > 0)
            {
                await using var ask = Sql.Command(connection, transaction, MoreSql, more, job.AnswersPerItem);
                asked = await ask.ExecuteNonQueryAsync(ct);
            }

            var enough = dynamic ? finals.Where(f => f.State is not null).Select(f => f.ItemId).ToArray() : [];
            if (enough.Length > 0)
            {
                await using var stop = Sql.Command(connection, transaction, EnoughSql, enough);
                await stop.ExecuteNonQueryAsync(ct);
            }
        }

        if (dynamic && job.Status is JobStatus.Running or JobStatus.Paused)
        {
            await using var complete = Sql.Command(connection, transaction, Jobs.Lifecycle.JobCompletion.CompleteSql, new[] { jobId }, now, true);
            completed = await complete.ExecuteScalarAsync(ct) is not null;
        }

        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(
            u => u.SetProperty(j => j.Agreement, agreement).SetProperty(j => j.FinalLabelsAt, now).SetProperty(j => j.ModelCalibration, calibration == null ? null : calibration.ToJson()), ct);
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
    private static readonly string StaleJobsSql = Sql.Named("Quality/FinalLabels/RecomputeFinalLabels.sql", "StaleJobs");

    [AutomaticRetry(Attempts = 1)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<Guid>();
        await using (var command = Sql.Command(dataSource, StaleJobsSql))
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

/// <summary>Queues a job's recompute once a change to which answers count has committed (the sweep is the safety net).</summary>
public static class FinalLabelsQueue
{
    public static void Enqueue(IBackgroundJobClient? jobs, Guid jobId) =>
        jobs?.Enqueue<RecomputeFinalLabels>(r => r.HandleAsync(jobId, CancellationToken.None));
}
