using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Bench.Queue;

/// <summary>What a claim gave the simulated worker: an assignment, or an error code ("no_work" when the job is dry).</summary>
public readonly record struct ClaimOutcome(Guid AssignmentId, Guid ItemId, string? ErrorCode)
{
    public const string NoWork = "no_work";
}

/// <summary>
/// The only class that calls the product's queue API. When ClaimNextItem or SubmitAnswer change
/// shape (batches, heartbeats, skip, priorities), update this file and nothing else.
/// The host is built like src/LabelPlatform.Worker/Program.cs, minus Hangfire, and started so
/// any hosted service the queue registers (a batching dispatcher, a listener) runs as in production.
/// </summary>
public sealed class ProductQueue : IAsyncDisposable
{
    private readonly IHost _host;

    private ProductQueue(IHost host) => _host = host;

    public static async Task<ProductQueue> StartAsync(string connectionString, IInterceptor? interceptor = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:Default"] = connectionString;
        builder.Configuration["Storage:Root"] = Path.Combine(Path.GetTempPath(), "labelplatform-bench-items");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddLabelPlatform();
        if (interceptor is not null)
        {
            builder.Services.ConfigureDbContext<AppDbContext>(o => o.AddInterceptors(interceptor));
        }

        var host = builder.Build();
        await host.StartAsync();
        return new ProductQueue(host);
    }

    /// <summary>Claims one task in <paramref name="jobId"/> for the worker (today's API is per job).</summary>
    public async Task<ClaimOutcome> ClaimAsync(Guid jobId, string workerId, CancellationToken ct = default)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<ClaimNextItem>().HandleAsync(jobId, workerId, ct);
        return result.IsSuccess
            ? new ClaimOutcome(result.Value!.AssignmentId, result.Value.ItemId, null)
            : new ClaimOutcome(Guid.Empty, Guid.Empty, result.Error!.Code);
    }

    /// <summary>Submits an answer for a claimed task; returns the error code, or null when it was stored.</summary>
    public async Task<string?> SubmitAsync(Guid assignmentId, string workerId, string label, CancellationToken ct = default)
    {
        await using var scope = _host.Services.CreateAsyncScope();
        var result = await scope.ServiceProvider.GetRequiredService<SubmitAnswer>().HandleAsync(assignmentId, workerId, Answer.OneLabel(label), ct);
        return result.Error?.Code;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
