using System.Collections.Concurrent;
using LabelPlatform.Common;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Quality.Gold;

/// <summary>
/// What a claim in a job with gold (or blocks) carries into the claim transaction: whether this
/// claim is a gold item, whether the worker still owes the qualification test, and when the job
/// retires a gold item.
/// </summary>
public sealed record GoldTicket(bool Draw, bool Forced, int RetireAfter);

/// <summary>
/// Before a claim: is the worker blocked from the job, and is this claim a gold item? The gold item
/// itself is picked and leased inside the same claim transaction as real items
/// (<see cref="Queue.ClaimNext.ClaimTransaction"/>), with the same statements for every claim of a
/// job with gold, so a gold claim takes as long as any other. Gold leases look like any other (a
/// fresh assignment id, links by assignment, the same lease) and take no slot: every worker can get
/// a gold item once, until it has been handed to the job's <see cref="QualityPolicy.GoldRetireAfter"/>
/// workers. Jobs without gold and without blocks skip all of it, from a few seconds' cache.
/// </summary>
public sealed class GoldDraw(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly TimeSpan RelevanceTtl = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<Guid, (bool Relevant, DateTimeOffset Until)> _relevance = new();

    private static readonly string RelevantSql = Sql.Named("Quality/Gold/GoldDraw.sql", "Relevant");

    private static readonly string StateSql = Sql.Named("Quality/Gold/GoldDraw.sql", "State");

    public static readonly Error Blocked = new("blocked", "You can no longer take work from this job: your answers on its check items fell below what it requires.");

    public static readonly Error QualificationNotReady = new("no_work", "This job's qualification test is not ready yet. Try another job.");

    /// <summary>An error (blocked), a ticket for the claim transaction, or null: a job without gold or blocks, claimed as usual.</summary>
    public async Task<Result<GoldTicket>?> BeforeClaimAsync(Guid jobId, string workerId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        if (!await RelevantAsync(jobId, now, ct))
        {
            return null;
        }

        await using var state = Sql.Command(dataSource, StateSql, jobId, workerId, now);
        await using var reader = await state.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return new GoldTicket(false, false, 0); // not running: the claim says so
        }

        if (reader.GetBoolean(2))
        {
            return Blocked;
        }

        var (policy, goldAnswers) = (QualityPolicy.FromJson(reader.GetString(0)), reader.GetInt32(1));
        var forced = goldAnswers < policy.QualificationItems;
        // The lease they hold comes back first, whatever this claim would have been.
        var draw = !reader.GetBoolean(3) && (forced || Random.Shared.NextDouble() < policy.RateFor(goldAnswers));
        return new GoldTicket(draw, forced && draw, policy.GoldRetireAfter);
    }
    private async Task<bool> RelevantAsync(Guid jobId, DateTimeOffset now, CancellationToken ct)
    {
        if (_relevance.TryGetValue(jobId, out var cached) && cached.Until > now)
        {
            return cached.Relevant;
        }

        await using var command = Sql.Command(dataSource, RelevantSql, jobId);
        var relevant = (bool)(await command.ExecuteScalarAsync(ct))!;
        _relevance[jobId] = (relevant, now + RelevanceTtl);
        return relevant;
    }

    /// <summary>Gold was added or removed, or someone was blocked: look again on the next claim.</summary>
    public void Forget(Guid jobId) => _relevance.TryRemove(jobId, out _);
}
