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

/// <summary>What workers do with each item of a job; a job chooses one.</summary>
public enum TaskKind
{
    /// <summary>One label per image.</summary>
    ImageClassification,

    /// <summary>Any subset of the labels per image.</summary>
    ImageMultiLabel,

    /// <summary>Boxes around objects, each with one of the labels as its class.</summary>
    BoundingBoxes,

    /// <summary>One label per text item (up to 10,000 characters).</summary>
    TextClassification,

    /// <summary>Any subset of the labels per text item.</summary>
    TextMultiLabel,
}

public static class TaskKinds
{
    public static bool IsText(this TaskKind kind) => kind is TaskKind.TextClassification or TaskKind.TextMultiLabel;

    public static bool AllowsManyLabels(this TaskKind kind) => kind is TaskKind.ImageMultiLabel or TaskKind.TextMultiLabel;

    public static bool DrawsBoxes(this TaskKind kind) => kind == TaskKind.BoundingBoxes;

    /// <summary>Box jobs may have a single class ("coin"); choosing needs at least two labels.</summary>
    public static int MinLabels(this TaskKind kind) => kind.DrawsBoxes() ? 1 : JobRules.MinLabels;

    public static string Describe(this TaskKind kind) => kind switch
    {
        TaskKind.ImageClassification => "Image classification (one label)",
        TaskKind.ImageMultiLabel => "Image multi-label (any labels that apply)",
        TaskKind.BoundingBoxes => "Bounding boxes",
        TaskKind.TextClassification => "Text classification (one label)",
        TaskKind.TextMultiLabel => "Text multi-label (any labels that apply)",
        _ => kind.ToString(),
    };
}
