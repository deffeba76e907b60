using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Hubs;

/// <summary>
/// Live queue events for clients other than the Blazor pages (which get them in-process):
/// "JobChanged(jobId)" for a researcher watching their job, "WorkAvailable(jobId)" for workers.
/// </summary>
[Authorize]
public sealed class QueueHub(IDbContextFactory<AppDbContext> dbFactory) : Hub
{
    public const string Path = "/hubs/queue";
    public const string WorkersGroup = "workers";

    public static string JobGroup(Guid jobId) => $"job:{jobId:N}";

    /// <summary>Researchers follow one of their organisation's jobs; anything else is refused.</summary>
    public async Task WatchJob(Guid jobId)
    {
        var userId = Context.User?.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await dbFactory.CreateDbContextAsync();
        var allowed = await db.Jobs.AnyAsync(j => j.Id == jobId
            && db.Users.Any(u => u.Id == userId && u.OrganisationId == j.OrganisationId));
        if (!allowed)
        {
            throw new HubException("That job was not found.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, JobGroup(jobId));
    }

    public async Task WatchWork()
    {
        if (Context.User?.IsInRole(Roles.Worker) != true)
        {
            throw new HubException("Only workers can watch for work.");
        }

        await Groups.AddToGroupAsync(Context.ConnectionId, WorkersGroup);
    }
}
