using System.Collections.Concurrent;
using LabelPlatform.Common;
using LabelPlatform.Queue.ClaimNext;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Quality.Gold;

/// <summary>
/// Before a claim: is the worker blocked from the job, and is this claim a gold item? Gold leases
/// look like any other (a fresh assignment id, links by assignment, the same lease) and take no
/// slot: every worker can get a gold item once, until it has been handed to the job's
/// <see cref="QualityPolicy.GoldRetireAfter"/> workers. Jobs without gold and without blocks skip
/// all of it, from a few seconds' cache.
/// </summary>
public sealed class GoldDraw(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly TimeSpan RelevanceTtl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, (bool Relevant, DateTimeOffset Until)> _relevance = new();

    private const string RelevantSql = """
        SELECT EXISTS (SELECT 1 FROM items WHERE job_id = $1 AND gold_answer IS NOT NULL)
            OR EXISTS (SELECT 1 FROM worker_job_quality WHERE job_id = $1 AND blocked_at IS NOT NULL)
        """;

    private const string StateSql = """
        SELECT j.quality_policy::text, coalesce(q.gold_answers, 0), q.blocked_at IS NOT NULL,
               EXISTS (SELECT 1 FROM assignments a WHERE a.job_id = j.id AND a.worker_id = $2 AND a.status = 'Leased' AND a.lease_expires_at > $3)
        FROM jobs j LEFT JOIN worker_job_quality q ON q.job_id = j.id AND q.worker_id = $2
        WHERE j.id = $1 AND j.status = 'Running'
        """;

    // A live gold item the worker has not had, in an order of its own per worker; the unique index
    // on (item, worker) has the last word. Handing it out counts toward its retirement.
    private const string ClaimGoldSql = """
        WITH picked AS (
            SELECT i.id FROM items i
            WHERE i.job_id = $1 AND i.gold_answer IS NOT NULL AND ($5 = 0 OR i.gold_shown < $5)
              AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.item_id = i.id AND a.worker_id = $2)
            ORDER BY md5(i.id::text || $2)
            LIMIT 1
        ), leased AS (
            INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at)
            SELECT $3, $1, picked.id, $2, 'Leased', $4, $4 + make_interval(mins => j.lease_minutes)
            FROM picked, jobs j WHERE j.id = $1
            ON CONFLICT DO NOTHING
            RETURNING item_id, lease_expires_at
        ), shown AS (
            UPDATE items SET gold_shown = gold_shown + 1 FROM leased WHERE items.id = leased.item_id
        )
        SELECT item_id, lease_expires_at FROM leased
        """;

    public static readonly Error Blocked = new("blocked", "You can no longer take work from this job: your answers on its check items fell below what it requires.");

    public static readonly Error QualificationNotReady = new("no_work", "This job's qualification test is not ready yet. Try another job.");

    /// <summary>A gold claim, an error (blocked, or a test that cannot be taken), or null: claim as usual.</summary>
    public async Task<Result<Claim>?> BeforeClaimAsync(Guid jobId, string workerId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (!await RelevantAsync(jobId, now, ct))
        {
            return null;
        }

        QualityPolicy policy;
        int goldAnswers;
        await using (var state = dataSource.CreateCommand(StateSql))
        {
            state.Parameters.Add(new NpgsqlParameter { Value = jobId });
            state.Parameters.Add(new NpgsqlParameter { Value = workerId });
            state.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await using var reader = await state.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
            {
                return null; // not running: the usual claim says so
            }

            if (reader.GetBoolean(2))
            {
                return Blocked;
            }

            if (reader.GetBoolean(3))
            {
                return null; // the lease they hold comes back first
            }

            (policy, goldAnswers) = (QualityPolicy.FromJson(reader.GetString(0)), reader.GetInt32(1));
        }

        var forced = goldAnswers < policy.QualificationItems;
        if (!forced && Random.Shared.NextDouble() >= policy.RateFor(goldAnswers))
        {
            return null;
        }

        var id = Guid.CreateVersion7();
        await using var claim = dataSource.CreateCommand(ClaimGoldSql);
        claim.Parameters.Add(new NpgsqlParameter { Value = jobId });
        claim.Parameters.Add(new NpgsqlParameter { Value = workerId });
        claim.Parameters.Add(new NpgsqlParameter { Value = id });
        claim.Parameters.Add(new NpgsqlParameter { Value = now, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        claim.Parameters.Add(new NpgsqlParameter { Value = policy.GoldRetireAfter });
        await using var result = await claim.ExecuteReaderAsync(ct);
        if (await result.ReadAsync(ct))
        {
            return new Claim(id, result.GetGuid(0), result.GetFieldValue<DateTimeOffset>(1));
        }

        // Every live gold item answered: real work, unless the test is still owed.
        return forced ? Result<Claim>.Fail(QualificationNotReady) : (Result<Claim>?)null;
    }

    private async Task<bool> RelevantAsync(Guid jobId, DateTimeOffset now, CancellationToken ct)
    {
        if (_relevance.TryGetValue(jobId, out var cached) && cached.Until > now)
        {
            return cached.Relevant;
        }

        await using var command = dataSource.CreateCommand(RelevantSql);
        command.Parameters.Add(new NpgsqlParameter { Value = jobId });
        var relevant = (bool)(await command.ExecuteScalarAsync(ct))!;
        _relevance[jobId] = (relevant, now + RelevanceTtl);
        return relevant;
    }

    /// <summary>Gold was added or removed, or someone was blocked: look again on the next claim.</summary>
    public void Forget(Guid jobId) => _relevance.TryRemove(jobId, out _);
}
