namespace LabelPlatform.Review.Prefilter;

public enum PrefilterStatus
{
    /// <summary>The review worker is going over the items.</summary>
    Running,

    /// <summary>Every item was seen.</summary>
    Completed,

    /// <summary>The job was launched before the run finished; the rest of its items go to people.</summary>
    Stopped,

    /// <summary>The run could not go on (the model failed); see the message.</summary>
    Failed,
}

/// <summary>
/// One pass of a job's model over its items before launch: every item gets the model's answer as a
/// pre-annotation, and (when the researcher asks for it) items the model is sure about get a
/// machine label and need no person, except an audit sample that still goes to people so the
/// machine labels' accuracy can be measured.
/// </summary>
public sealed class PrefilterRun
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public Guid ModelId { get; set; }

    public int ModelVersion { get; set; }

    public PrefilterStatus Status { get; set; }

    /// <summary>Items the model is at least this sure about get a machine label.</summary>
    public float Threshold { get; set; }

    /// <summary>The share of machine-labelled items that still go to people, to measure the machine.</summary>
    public float AuditShare { get; set; }

    /// <summary>False: pre-annotation only; every item still goes to people.</summary>
    public bool MachineLabels { get; set; }

    public int Total { get; set; }

    public int Done { get; set; }

    /// <summary>Items with a machine label that need no person (the audit sample not included).</summary>
    public int MachineLabelled { get; set; }

    /// <summary>Items the model was sure about that go to people anyway.</summary>
    public int Audit { get; set; }

    /// <summary>Images the model could not read; they go to people.</summary>
    public int Unreadable { get; set; }

    public string? Message { get; set; }

    public string RequestedByUserId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the run last moved (each batch); a run that stays still is picked up again.</summary>
    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public int SentToPeople => Total - MachineLabelled;

    public double ShareToPeople => Total == 0 ? 1 : (double)SentToPeople / Total;

    public double Progress => Total == 0 ? 1 : (double)Done / Total;
}
