using LabelPlatform.Labelling;
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
