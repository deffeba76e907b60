namespace LabelPlatform.Queue;

public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>The most claims one transaction serves; more waiting claims go into the next one.</summary>
    public int MaxClaimBatch { get; set; } = 256;

    /// <summary>
    /// Claim transactions one job may have in flight in this process; they pass each other with
    /// SKIP LOCKED. One is fastest on a 2-core machine (5,845 cycles/s at 200 workers with two,
    /// 9,440 with one): a second transaction halves the batches and doubles the commits.
    /// </summary>
    public int ClaimTransactionsPerJob { get; set; } = 1;

    /// <summary>
    /// How many submit transactions may run at once in this process. One is fastest on a small
    /// machine (fewer, larger commits); more helps when the database has cores and disks to spare.
    /// </summary>
    public int SubmitLines { get; set; } = 1;

    /// <summary>The most items one worker may hold at once in a job (a batch claim for fast task types).</summary>
    public const int MaxItemsPerClaim = 10;
}
