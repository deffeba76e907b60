using System.Security.Claims;
using LabelPlatform.Common;
using LabelPlatform.Review.Inference;
using Microsoft.Extensions.Options;
using Npgsql;

namespace LabelPlatform.Review.Batches;

/// <summary>A batch a reviewer holds: which job, until when, and its submissions.</summary>
public sealed record ClaimedBatch(Guid BatchId, Guid JobId, DateTimeOffset LeaseExpiresAt, IReadOnlyList<Guid> AssignmentIds);

/// <summary>
/// A reviewer takes a batch: up to <c>Review:ReviewBatchSize</c> submissions of one job that wait
/// for a person, never their own and never one they decided before (so a dispute goes to someone
/// else), locked with SKIP LOCKED and tied to the new batch row in the same transaction: two
/// reviewers never share a submission. A reviewer who already holds a live batch gets it back.
/// Returns null when nothing waits for this reviewer.
/// </summary>
public sealed class ClaimReviewBatch(NpgsqlDataSource dataSource, IOptions<ReviewOptions> options, TimeProvider clock)
{
    // What waits for reviewer $1. The gold audit of reviewers (and low-accuracy workers' answers)
    // will mix in here as one more review state, or a union, once gold items exist.
    private static readonly string Eligible = Sql.Named("Review/Batches/ClaimReviewBatch.sql", "Eligible");

    // One claim per reviewer at a time (two tabs, a double click): the second waits for the first
    // to commit, then finds its batch instead of finding every submission locked and nothing to do.
    private static readonly string OneAtATimeSql = Sql.Named("Review/Batches/ClaimReviewBatch.sql", "OneAtATime");

    private static readonly string HeldSql = Sql.Named("Review/Batches/ClaimReviewBatch.sql", "Held");

    private static readonly string PickJobSql = Sql.Named("Review/Batches/ClaimReviewBatch.sql", "PickJob");

    // Disputes first: a worker waits on them.
    private static readonly string TakeSql = Sql.Named("Review/Batches/ClaimReviewBatch.sql", "Take");

    // Gold items' answers this reviewer has not judged, scored already at submit: a reviewer's check.
    // Only answers whose card looks like any card waiting for a person: settled (not waiting for
    // the model or a person), and either never seen by a model or flagged by it; an answer the
    // model accepted or rejected on its own would show a verdict no waiting card has. At most one
    // answer per item, and never an item the reviewer has judged before: an item coming back would
    // give the check away.
    private static readonly string AuditSql = Sql.Named("Review/Batches/ClaimReviewBatch.sql", "Audit");

    public async Task<Result<ClaimedBatch?>> HandleAsync(ClaimsPrincipal user, Guid? jobId, CancellationToken ct = default)
    {
        if (Reviewers.IdOf(user) is not { } reviewerId)
        {
            return Error.Forbidden("Only reviewers get review batches.");
        }

        // The unique open-batch index is the last guard behind the per-reviewer lock: a refused insert finds the first batch.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await ClaimAsync(reviewerId, jobId, ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < 2)
            {
            }
        }
    }

    private async Task<ClaimedBatch?> ClaimAsync(string reviewerId, Guid? jobId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var size = Math.Clamp(options.Value.ReviewBatchSize, 1, ReviewOptions.MaxReviewBatchSize);
        var expires = now.AddMinutes(Math.Max(1, options.Value.ReviewBatchLeaseMinutes));

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var oneAtATime = Sql.Command(connection, tx, OneAtATimeSql, reviewerId))
        {
            await oneAtATime.ExecuteNonQueryAsync(ct);
        }

        await using (var expire = Sql.Command(connection, tx, ReviewBatchSql.Expire, now))
        {
            await expire.ExecuteNonQueryAsync(ct);
        }

        await using (var held = Sql.Command(connection, tx, HeldSql, reviewerId, now))
        await using (var reader = await held.ExecuteReaderAsync(ct))
        {
            if (await reader.ReadAsync(ct))
            {
                var batch = new ClaimedBatch(reader.GetGuid(0), reader.GetGuid(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetFieldValue<Guid[]>(3));
                await reader.CloseAsync();
                await tx.CommitAsync(ct);
                return batch;
            }
        }

        // "Any job": the job of the oldest submission waiting for this reviewer. Another reviewer may
        // lock all of it first; then look again, a few times.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var job = jobId;
            if (job is null)
            {
                await using var pick = Sql.Command(connection, tx, PickJobSql, reviewerId);
                job = await pick.ExecuteScalarAsync(ct) as Guid?;
                if (job is null)
                {
                    break;
                }
            }

            var batchId = Guid.CreateVersion7();
            var taken = new List<Guid>();
            await using (var take = Sql.Command(connection, tx, TakeSql, reviewerId, job.Value, size, batchId, now, expires))
            await using (var reader = await take.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    taken.Add(reader.GetGuid(0));
                }
            }

            if (taken.Count > 0)
            {
                // The reviewer's own audit: answers to gold items, whose rightness is known, in among the rest.
                // One in AuditEvery on average, whatever the batch's size (rounded at random): a small
                // batch is no likelier to hold a check, so neither its size nor a card's place tells.
                var every = Quality.Gold.ReviewerQuality.AuditEvery;
                var audits = (taken.Count / every) + (Random.Shared.Next(every) < taken.Count % every ? 1 : 0);
                await using (var audit = Sql.Command(connection, tx, AuditSql, reviewerId, job.Value, audits, batchId))
                await using (var reader = await audit.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        taken.Add(reader.GetGuid(0));
                    }
                }

                await tx.CommitAsync(ct);
                return new ClaimedBatch(batchId, job.Value, expires, taken);
            }

            if (jobId is not null)
            {
                break;
            }
        }

        await tx.CommitAsync(ct);
        return null;
    }
}
