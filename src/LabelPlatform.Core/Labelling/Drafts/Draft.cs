namespace LabelPlatform.Labelling.Drafts;

/// <summary>
/// A worker's unfinished answer to the item they hold, saved as they work so that a reload or a
/// lost connection restores it. One per assignment; it goes when the assignment is deleted.
/// </summary>
public sealed class Draft
{
    public Guid AssignmentId { get; set; }

    public string WorkerId { get; set; } = "";

    /// <summary><see cref="Answer"/> JSON, not yet validated (a draft may be half done).</summary>
    public string AnswerJson { get; set; } = "";

    public DateTimeOffset SavedAt { get; set; }
}
