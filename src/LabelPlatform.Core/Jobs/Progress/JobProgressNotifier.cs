namespace LabelPlatform.Jobs.Progress;

/// <summary>Tells open dashboards in this process that a job's counts changed; components subscribe and unsubscribe on dispose.</summary>
public sealed class JobProgressNotifier
{
    public event Action<Guid>? Changed;

    public void Publish(Guid jobId) => Changed?.Invoke(jobId);
}
