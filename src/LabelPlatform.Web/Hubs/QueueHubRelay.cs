using LabelPlatform.Jobs.Progress;
using Microsoft.AspNetCore.SignalR;

namespace LabelPlatform.Web.Hubs;

/// <summary>Forwards the job changes this node hears from PostgreSQL to the hub's clients.</summary>
public sealed class QueueHubRelay(JobProgressNotifier notifier, IHubContext<QueueHub> hub) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        notifier.Changed += Relay;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        notifier.Changed -= Relay;
        return Task.CompletedTask;
    }

    private void Relay(Guid jobId)
    {
        _ = hub.Clients.Group(QueueHub.JobGroup(jobId)).SendAsync("JobChanged", jobId);
        _ = hub.Clients.Group(QueueHub.WorkersGroup).SendAsync("WorkAvailable", jobId);
    }
}
