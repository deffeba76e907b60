namespace LabelPlatform.Jobs.Progress;

/// <summary>
/// Tells open pages in this process that a job changed. Fed by <see cref="JobChangeListener"/>
/// from PostgreSQL NOTIFY, so changes made by any process reach every web node. Components
/// subscribe, and unsubscribe on dispose.
/// </summary>
public sealed class JobProgressNotifier
{
    /// <summary>A job's counts or state changed; <see cref="Guid.Empty"/> means "any job may have".</summary>
    public event Action<Guid>? Changed;

    public void Publish(Guid jobId) => Changed?.Invoke(jobId);

    public void PublishAll() => Changed?.Invoke(Guid.Empty);
}
