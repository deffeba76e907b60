namespace LabelPlatform.Queue;

public sealed class QueueOptions
{
    public const string Section = "Queue";

    /// <summary>How long a worker holds an item before it returns to the queue.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(10);
}
