namespace LabelPlatform.Jobs.Examples;

/// <summary>
/// A worked example the researcher shows workers beside the instructions: a caption (the right
/// answer and why) with an optional picture. Workers see a job's examples while they hold an item in it.
/// </summary>
public sealed class JobExample
{
    public const int MaxCaptionLength = 1_000;
    public const int MaxPerJob = 20;

    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public int Ordinal { get; set; }

    public string Caption { get; set; } = "";

    /// <summary>Where the picture is kept, or null for a caption-only example (text jobs).</summary>
    public string? StorageKey { get; set; }

    public string? ContentType { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
