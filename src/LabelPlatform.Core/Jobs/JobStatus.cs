namespace LabelPlatform.Jobs;

/// <summary>Draft → Ready (has items) → Running ⇄ Paused → Completed; Cancelled from any state before Completed.</summary>
public enum JobStatus
{
    Draft,
    Ready,
    Running,
    Paused,
    Completed,
    Cancelled,
}

public enum TaskKind
{
    ImageClassification,
}
