using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Queue.Submit;

internal sealed record SubmitRequest(Guid AssignmentId, string WorkerId, Answer? Answer);

/// <summary>
/// One transaction for a batch of submissions, in two round trips: (1) BEGIN and the assignments
/// locked with their jobs' labels, then the lease and the answer checked in memory; (2) answers
/// written, gold scored and blocks decided, expired leases returned, finished jobs completed,
/// listeners told, COMMIT. A gold answer takes exactly the path of any other (the same round
/// trips, the same review and the same moment of payment), so nothing in how it is stored or
/// paid tells a worker it was a check.
/// </summary>
internal static class SubmitTransaction
{
    private static readonly string LockSql = Sql.Named("Queue/Submit/SubmitTransaction.sql", "Lock");

    // Touches only the assignments: submits never wait for the item rows that claims lock.
    private static readonly string SubmitSql = Sql.Named("Queue/Submit/SubmitTransaction.sql", "Submit");

    // The answer is in: the draft kept while the worker was at it has done its job.
    private static readonly string DropDraftsSql = Sql.Named("Queue/Submit/SubmitTransaction.sql", "DropDrafts");

    private static readonly string ExpireSql = Sql.Named("Queue/Submit/SubmitTransaction.sql", "Expire");

    // Every answer in a job with gold moves its worker's record there, gold or not: the same write either way.
    private static readonly string RecordSql = Sql.Named("Queue/Submit/SubmitTransaction.sql", "Record");

    // A blocked worker's answers still waiting for review no longer count, nor do their leases: the slots go back.
    private static readonly string BlockSql = Sql.Named("Queue/Submit/SubmitTransaction.sql", "Block");

    // Once a job has no open slot, its last submissions could commit side by side, each seeing the
    // other's lease as open, and nobody would complete the job: so they take the job's row lock,
    // one after the other, and the next statement (a new snapshot) sees every one before it.
    private static readonly string LockFinishingJobsSql = Sql.Named("Queue/Submit/SubmitTransaction.sql", "LockFinishingJobs");

    public static async Task<IReadOnlyList<Result<SubmitOutcome>>> RunAsync(
        NpgsqlDataSource dataSource, IReadOnlyList<SubmitRequest> requests, DateTimeOffset now)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        try
        {
            return await RunAsync(connection, requests, now);
        }
        catch
        {
            await QueueSql.RollBackQuietlyAsync(connection);
            throw;
        }
    }

    private static async Task<IReadOnlyList<Result<SubmitOutcome>>> RunAsync(
        NpgsqlConnection connection, IReadOnlyList<SubmitRequest> requests, DateTimeOffset now)
    {
        var rows = new Dictionary<Guid, Row>();
        await using (var read = new NpgsqlBatch(connection))
        {
            read.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
            read.BatchCommands.Add(Sql.BatchCommand(LockSql, requests.Select(r => r.AssignmentId).Distinct().ToArray()));
            await using var reader = await read.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var assignment = new Assignment
                {
                    Id = reader.GetGuid(0),
                    WorkerId = reader.GetString(1),
                    Status = Enum.Parse<AssignmentStatus>(reader.GetString(2)),
                    AnswerJson = reader.IsDBNull(3) ? null : reader.GetString(3),
                    LeaseExpiresAt = reader.GetFieldValue<DateTimeOffset>(4),
                    ItemId = reader.GetGuid(5),
                    JobId = reader.GetGuid(6),
                };
                var schema = new AnswerSchema(
                    Enum.Parse<TaskKind>(reader.GetString(7)),
                    reader.GetFieldValue<string[]>(8),
                    reader.GetInt32(9),
                    reader.GetInt32(10),
                    reader.GetInt32(11),
                    reader.GetInt32(12));
                // Answers the job's review model can judge wait for it, gold or not; the others need no model. Gold is also scored here.
                var goldAnswer = reader.IsDBNull(14) ? null : Answer.FromJson(reader.GetString(14));
                var reviewed = !reader.IsDBNull(13) && Enum.TryParse<ModelKind>(reader.GetString(13), out var modelKind) && ReviewModel.CanJudge(modelKind, schema.Kind);
                var policy = QualityPolicy.FromJson(reader.GetString(15));
                var record = (Answers: reader.GetInt32(16), Correct: reader.GetInt32(17));
                var doubtful = policy.SendsToReviewer(record.Answers, record.Correct);
                rows[assignment.Id] = new Row(assignment, schema, reviewed, goldAnswer, policy, doubtful, record, reader.GetBoolean(18));
            }
        }

        // Decide in arrival order, so a double click inside one batch stores one answer.
        var decisions = requests.Select(r => Decide(r, rows, now)).ToList();
        var submitted = decisions.Where(d => d.Write == Write.Submit).ToList();
        var expired = decisions.Where(d => d.Write == Write.Expire).ToList();
        var jobs = submitted.Select(d => d.JobId).Distinct().ToArray();
        // In a job with gold every answer is scored and its worker's record weighed, a real answer
        // against itself: the same work either way, so a check does not take longer to store.
        var scored = submitted.Select(d => (Decision: d, Row: rows[d.AssignmentId]))
            .Where(g => g.Row.JobHasGold)
            .Select(g => (g.Decision, g.Row, Correct: GoldScoring.Matches(g.Row.Schema.Kind, g.Row.Gold ?? g.Decision.Answer!, g.Decision.Answer!)))
            .ToList();
        var gold = scored.Where(g => g.Row.Gold is not null).ToList();
        var goldCorrect = gold.ToDictionary(g => g.Decision.AssignmentId, g => g.Correct);

        // Answers nobody reviews are accepted as they arrive, and paid in this transaction.
        var accepted = submitted.Where(d => ReviewStateOf(rows[d.AssignmentId]) is null).Select(d => d.AssignmentId).ToList();

        var completed = new HashSet<Guid>();
        await using (var write = new NpgsqlBatch(connection))
        {
            if (submitted.Count > 0)
            {
                var answers = new NpgsqlParameter
                {
                    Value = submitted.Select(d => d.Answer!.ToJson()).ToArray(),
                    NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb,
                };
                write.BatchCommands.Add(Sql.BatchCommand(
                    SubmitSql,
                    submitted.Select(d => d.AssignmentId).ToArray(),
                    submitted.Select(d => d.Answer!.SingleLabel).ToArray(),
                    answers,
                    now,
                    submitted.Select(d => ReviewStateOf(rows[d.AssignmentId])).ToArray(),
                    new NpgsqlParameter
                    {
                        Value = submitted.Select(d => goldCorrect.TryGetValue(d.AssignmentId, out var correct) ? correct : (bool?)null).ToArray(),
                        NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Boolean,
                    }));
                write.BatchCommands.Add(Sql.BatchCommand(DropDraftsSql, submitted.Select(d => d.AssignmentId).ToArray()));
            }

            if (expired.Count > 0)
            {
                write.BatchCommands.Add(Sql.BatchCommand(ExpireSql, expired.Select(d => d.AssignmentId).ToArray(), expired.Select(d => d.ItemId).ToArray()));
            }

            var recorded = submitted.Where(d => rows[d.AssignmentId].JobHasGold).ToList();
            if (recorded.Count > 0)
            {
                write.BatchCommands.Add(Sql.BatchCommand(
                    RecordSql,
                    recorded.Select(d => rows[d.AssignmentId].Assignment.WorkerId).ToArray(),
                    recorded.Select(d => d.JobId).ToArray(),
                    recorded.Select(d => goldCorrect.ContainsKey(d.AssignmentId)).ToArray(),
                    recorded.Select(d => goldCorrect.GetValueOrDefault(d.AssignmentId)).ToArray(),
                    now));
                AddBlocks(write, scored, now);
            }

            if (jobs.Length > 0)
            {
                write.BatchCommands.Add(Sql.BatchCommand(LockFinishingJobsSql, jobs));
                // A job with dynamic overlap is completed by the final-labels job instead, once no item wants more answers.
                write.BatchCommands.Add(Sql.BatchCommand(Jobs.Lifecycle.JobCompletion.CompleteSql, jobs, now, false));
                foreach (var jobId in jobs)
                {
                    write.BatchCommands.Add(JobChanges.AnnounceCommand(jobId));
                }
            }

            // Accepted answers are paid in this transaction (a result set of its own, read last).
            if (accepted.Count > 0)
            {
                write.BatchCommands.Add(Billing.Ledger.Earnings.Command(accepted, now));
            }

            // The commit travels with the writes: a worker hears "stored" only once it is durable.
            write.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));

            await using var reader = await write.ExecuteReaderAsync();
            if (jobs.Length > 0)
            {
                // Result sets, in order: the finishing jobs locked, then the jobs completed.
                await reader.NextResultAsync();
                while (await reader.ReadAsync())
                {
                    completed.Add(reader.GetGuid(0));
                }
            }

            while (await reader.NextResultAsync())
            {
                // Read every result, so an error in the COMMIT surfaces here and not later.
            }
        }

        // The job's last answer in this batch is the one that completed it.
        var completers = submitted.Where(d => completed.Contains(d.JobId)).GroupBy(d => d.JobId).Select(g => g.Last()).ToHashSet();
        return decisions.Select(d => d.Error is null ? Result<SubmitOutcome>.Ok(new SubmitOutcome(completers.Contains(d))) : d.Error).ToList();
    }

    /// <summary>
    /// Workers whose record, with this batch's gold, now falls short are blocked in the same round
    /// trip (a third round trip only for batches with gold would time them apart). The record was read with the assignments; a second batch of the same worker's gold
    /// committing alongside is counted by their next gold answer.
    /// </summary>
    private static void AddBlocks(NpgsqlBatch write, List<(Decision Decision, Row Row, bool Correct)> scored, DateTimeOffset now)
    {
        var blocks = scored
            .GroupBy(g => (g.Row.Assignment.WorkerId, g.Decision.JobId))
            .Select(g => (g.Key.WorkerId, g.Key.JobId, Gold: g.Where(x => x.Row.Gold is not null).ToList(), g.First().Row))
            .Select(g => (g.WorkerId, g.JobId, Reason: g.Gold.Count == 0 ? null : g.Row.Policy.BlockReason(
                g.Row.GoldRecord.Answers + g.Gold.Count, g.Row.GoldRecord.Correct + g.Gold.Count(x => x.Correct))))
            .Where(b => b.Reason is not null)
            .ToList();
        if (blocks.Count == 0)
        {
            return;
        }

        // Their jobs are announced with the batch's other jobs: the feeds drop them.
        write.BatchCommands.Add(Sql.BatchCommand(BlockSql, blocks.Select(b => b.WorkerId).ToArray(), blocks.Select(b => b.JobId).ToArray(), blocks.Select(b => b.Reason!).ToArray(), now));
    }

    private static string? ReviewStateOf(Row row) => row switch
    {
        // A worker whose record on gold is doubtful: a person checks, whatever a model would say.
        { Doubtful: true } => nameof(ReviewState.NeedsReview),
        { Reviewed: true } => nameof(ReviewState.Pending),
        _ => null,
    };

    private static Decision Decide(SubmitRequest request, Dictionary<Guid, Row> rows, DateTimeOffset now)
    {
        if (!rows.TryGetValue(request.AssignmentId, out var row) || row.Assignment.WorkerId != request.WorkerId)
        {
            return Decision.Refuse(request, Error.NotFound("The assignment"));
        }

        var invalid = AnswerRules.Validate(row.Schema, request.Answer);
        if (invalid is not null)
        {
            return Decision.Refuse(request, invalid);
        }

        // The assignment's own rule decides; its state carries over to a repeat later in the batch.
        var assignment = row.Assignment;
        var wasLeased = assignment.Status == AssignmentStatus.Leased;
        var error = assignment.Submit(request.Answer!, now);
        var write = !wasLeased ? Write.None
            : error is null ? Write.Submit
            : assignment.Status == AssignmentStatus.Expired ? Write.Expire
            : Write.None;
        return new Decision(assignment.Id, assignment.ItemId, assignment.JobId, write == Write.Submit ? request.Answer : null, write, error);
    }

    private enum Write
    {
        None,
        Submit,
        Expire,
    }

    private sealed record Row(Assignment Assignment, AnswerSchema Schema, bool Reviewed, Answer? Gold, QualityPolicy Policy, bool Doubtful, (int Answers, int Correct) GoldRecord, bool JobHasGold);

    private sealed record Decision(Guid AssignmentId, Guid ItemId, Guid JobId, Answer? Answer, Write Write, Error? Error)
    {
        public static Decision Refuse(SubmitRequest request, Error error) => new(request.AssignmentId, Guid.Empty, Guid.Empty, null, Write.None, error);
    }
}
