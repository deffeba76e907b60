using System.Collections.Concurrent;
using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Quality.Gold;

/// <summary>What the claim decided for one worker in a job with gold (or blocks): blocked, or whether this claim is a gold item.</summary>
/// <param name="Forced">The worker still owes the qualification test: without a gold item left for them they get nothing.</param>
public sealed record GoldTicket(bool Blocked, bool Draw, bool Forced);

/// <summary>
/// Gold in the claim. Before a claim only one question is asked, from a few seconds' cache: does
/// the job have gold or blocked workers at all? If so, the claim transaction itself reads the
/// job's policy and each waiting worker's record in its first round trip, decides here who is
/// blocked and who draws a gold item, and leases the gold items with the real ones in its second
/// (<see cref="Queue.ClaimNext.ClaimTransaction"/>): every claim of the job runs the same
/// statements, and a worker waits for the same shared transaction whatever they drew, so a gold
/// claim takes as long as any other. Gold leases look like any other (a fresh assignment id, links
/// by assignment, the same lease) and take no slot: every worker can get a gold item once, until
/// it has been handed to the job's <see cref="QualityPolicy.GoldRetireAfter"/> workers.
/// </summary>
public sealed class GoldDraw(NpgsqlDataSource dataSource, TimeProvider clock)
{
    private static readonly TimeSpan RelevanceTtl = TimeSpan.FromSeconds(5);

    // One lookup per job at a time: when the entry runs out, the claims waiting meanwhile share it
    // instead of each asking the database (hundreds at once under load).
    private readonly ConcurrentDictionary<Guid, (Lazy<Task<bool>> Relevant, DateTimeOffset Until)> _relevance = new();

    private static readonly string RelevantSql = Sql.Named("Quality/Gold/GoldDraw.sql", "Relevant");

    public static readonly Error Blocked = new("blocked", "You can no longer take work from this job: your answers on its check items fell below what it requires.");

    public static readonly Error QualificationNotReady = new("no_work", "This job's qualification test is not ready yet. Try another job.");

    /// <summary>Whether claims of the job go through gold (the job has gold items or blocked workers).</summary>
    public async Task<bool> RelevantAsync(Guid jobId, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var entry = _relevance.AddOrUpdate(
            jobId,
            (_, at) => (new Lazy<Task<bool>>(() => LookUpAsync(jobId)), at + RelevanceTtl),
            (_, cached, at) => cached.Until > at && !(cached.Relevant.IsValueCreated && cached.Relevant.Value.IsFaulted)
                ? cached
                : (new Lazy<Task<bool>>(() => LookUpAsync(jobId)), at + RelevanceTtl),
            now);
        return await entry.Relevant.Value.WaitAsync(ct);
    }

    private async Task<bool> LookUpAsync(Guid jobId)
    {
        await using var command = Sql.Command(dataSource, RelevantSql, jobId);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Gold was added or removed, or someone was blocked: look again on the next claim.</summary>
    public void Forget(Guid jobId) => _relevance.TryRemove(jobId, out _);

    /// <summary>
    /// One worker's claim, from the job's policy and their record there: blocked, a gold draw (always
    /// while they owe the qualification test, else at the policy's rate for their gold answers so
    /// far), or real work. A worker holding a lease gets it back first, whatever this claim would have been.
    /// </summary>
    public static GoldTicket Decide(QualityPolicy policy, int goldAnswers, bool blocked, bool holdsLease, double random)
    {
        if (blocked)
        {
            return new GoldTicket(true, false, false);
        }

        var forced = goldAnswers < policy.QualificationItems;
        var draw = !holdsLease && (forced || random < policy.RateFor(goldAnswers));
        return new GoldTicket(false, draw, forced && draw);
    }
}
