using System.Security.Claims;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Review.Verdicts;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Review.Batches;

/// <summary>How a decided batch came out.</summary>
public sealed record BatchDecided(int Approved, int Rejected);

/// <summary>
/// The reviewer decides their batch, once, while its lease is live: the submissions they mark are
/// rejected (the slot goes back to the queue and the worker reads why), all the others approved.
/// This is the one place an answer becomes payable by a person's decision: its earning is posted
/// to the ledger (escrow → worker payable and fee) in the same transaction.
/// </summary>
public sealed class DecideReviewBatch(NpgsqlDataSource dataSource, TimeProvider clock, Hangfire.IBackgroundJobClient? jobs = null)
{
    public static readonly Error Expired = new("batch_expired", "Your time on this batch ran out and its submissions went back to the reviewers' queue. Get a new batch.");

    private static readonly string BatchSql = Sql.Named("Review/Batches/DecideReviewBatch.sql", "Batch");

    // Gold answers in the batch are the reviewer's audit: judged like the rest, scored against what
    // is known. Those the model flagged (or a dispute brought) also wait for the decision itself.
    private static readonly string MembersSql = Sql.Named("Review/Batches/DecideReviewBatch.sql", "Members");

    // The reviewer's judgement of an audit answer is kept like any other, so it is never shown to them again.
    private static readonly string RememberAuditSql = Sql.Named("Review/Batches/DecideReviewBatch.sql", "RememberAudit");

    private static readonly string AuditSql = Sql.Named("Review/Batches/DecideReviewBatch.sql", "Audit");

    private static readonly string WriteSql = Sql.Named("Review/Batches/DecideReviewBatch.sql", "Write");

    public async Task<Result<BatchDecided>> HandleAsync(ClaimsPrincipal user, Guid batchId, IReadOnlyList<Rejection> rejections, CancellationToken ct = default)
    {
        if (Reviewers.IdOf(user) is not { } reviewerId)
        {
            return Error.Forbidden("Only reviewers decide review batches.");
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        Guid jobId;
        await using (var batch = Sql.Command(connection, tx, BatchSql, batchId))
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            if (!await reader.ReadAsync(ct))
            {
                return Error.NotFound("The review batch");
            }

            jobId = reader.GetGuid(0);
            if (reader.GetString(1) != reviewerId)
            {
                return Error.Forbidden("This batch belongs to another reviewer.");
            }

            switch (Enum.Parse<ReviewBatchStatus>(reader.GetString(2)))
            {
                case ReviewBatchStatus.Decided:
                    return Error.Conflict("This batch was already decided.");
                case ReviewBatchStatus.Expired:
                    return Expired;
            }

            if (reader.GetFieldValue<DateTimeOffset>(3) <= now)
            {
                await reader.CloseAsync();
                await using var expire = Sql.Command(connection, tx, ReviewBatchSql.Expire, now);
                await expire.ExecuteNonQueryAsync(ct);
                await tx.CommitAsync(ct);
                return Expired;
            }
        }

        var members = new List<BatchMember>();
        var audits = new Dictionary<Guid, bool>();
        var waiting = new HashSet<Guid>();
        await using (var read = Sql.Command(connection, tx, MembersSql, batchId))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                members.Add(new BatchMember(reader.GetGuid(0), Enum.Parse<ReviewState>(reader.GetString(1))));
                if (!reader.IsDBNull(2))
                {
                    audits[reader.GetGuid(0)] = reader.GetBoolean(2);
                }

                if (!reader.IsDBNull(3) && reader.GetBoolean(3))
                {
                    waiting.Add(reader.GetGuid(0));
                }
            }
        }

        var decision = BatchDecision.Decide(members, rejections);
        if (decision.Error is { } invalid)
        {
            return invalid;
        }

        // Every gold answer scores the reviewer. One drawn only for the audit stays as its worker left
        // it (already scored on gold); one that was waiting for a person is decided like any other.
        var audited = decision.Value!.Where(o => audits.ContainsKey(o.AssignmentId)).ToList();
        var onlyAudit = audited.Where(o => !waiting.Contains(o.AssignmentId)).ToList();
        var outcomes = decision.Value!.Where(o => !audits.ContainsKey(o.AssignmentId) || waiting.Contains(o.AssignmentId)).ToList();
        if (audited.Count > 0)
        {
            var right = audited.Count(o => (o.Decision == ReviewDecisionKind.Approved) == audits[o.AssignmentId]);
            await using var audit = Sql.Command(connection, tx, AuditSql, reviewerId, audited.Count, right, onlyAudit.Select(o => o.AssignmentId).ToArray(), now);
            await audit.ExecuteNonQueryAsync(ct);
            await using var remember = Sql.Command(connection, tx, RememberAuditSql, onlyAudit.Select(o => o.AssignmentId).ToArray(), onlyAudit.Select(o => o.Decision.ToString()).ToArray(), batchId, reviewerId, now);
            await remember.ExecuteNonQueryAsync(ct);
        }
        await using (var write = Sql.Command(
            connection,
            tx,
            WriteSql,
            outcomes.Select(o => o.AssignmentId).ToArray(),
            outcomes.Select(o => o.Decision.ToString()).ToArray(),
            new NpgsqlParameter { Value = outcomes.Select(o => o.Reason).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            outcomes.Select(o => o.Status.ToString()).ToArray(),
            outcomes.Select(o => o.State.ToString()).ToArray(),
            outcomes.Select(o => o.SlotBack).ToArray(),
            new NpgsqlParameter { Value = outcomes.Select(o => o.Dispute?.ToString()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
            batchId,
            reviewerId,
            now))
        {
            await write.ExecuteNonQueryAsync(ct);
        }

        // Approved answers are paid in the same transaction as the approval.
        await Billing.Ledger.Earnings.PostAsync(connection, tx, outcomes.Where(o => o.State == ReviewState.Approved).Select(o => o.AssignmentId).ToList(), now, ct);

        // Dashboards, the reviewers' overview and the claim queue (returned slots) hear of it once committed.
        await JobChanges.AnnounceAsync(connection, tx, jobId, ct);
        await tx.CommitAsync(ct);
        Quality.FinalLabels.FinalLabelsQueue.Enqueue(jobs, jobId);
        var rejected = decision.Value!.Count(o => o.Decision == ReviewDecisionKind.Rejected);
        return new BatchDecided(decision.Value!.Count - rejected, rejected);
    }
}
