namespace LabelPlatform.Queue.Report;

public enum ReportReason
{
    /// <summary>The image does not load or is unreadable; the text is garbled.</summary>
    Unreadable,

    /// <summary>Offensive or disturbing content.</summary>
    Offensive,

    /// <summary>The item does not fit the job (none of the labels could apply).</summary>
    NotMatchingJob,

    Other,
}

/// <summary>A worker's report that an item is broken, instead of an answer. The researcher sees them on the dashboard.</summary>
public sealed class ItemReport
{
    public const int MaxNoteLength = 500;

    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public Guid ItemId { get; set; }

    public string WorkerId { get; set; } = "";

    public ReportReason Reason { get; set; }

    public string? Note { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public static string Describe(ReportReason reason) => reason switch
    {
        ReportReason.Unreadable => "Unreadable or does not load",
        ReportReason.Offensive => "Offensive or disturbing",
        ReportReason.NotMatchingJob => "Does not match this job",
        _ => "Something else",
    };
}
