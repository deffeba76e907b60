namespace LabelPlatform.Queue;

public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>The most claims one transaction serves; more waiting claims go into the next one.</summary>
    public int MaxClaimBatch { get; set; } = 256;

    /// <summary>
    /// How many claim transactions may run at once in this process, each for any mix of jobs (a
    /// job always uses the same line). One is fastest on a 2-core machine: more lines make more,
    /// smaller commits. Processes pass each other with SKIP LOCKED.
    /// </summary>
    public int ClaimLines { get; set; } = 1;

    /// <summary>
    /// How many submit transactions may run at once in this process. One is fastest on a small
    /// machine (fewer, larger commits); more helps when the database has cores and disks to spare.
    /// </summary>
    public int SubmitLines { get; set; } = 1;

    /// <summary>The most items one worker may hold at once in a job (a batch claim for fast task types).</summary>
    public const int MaxItemsPerClaim = 10;
}
