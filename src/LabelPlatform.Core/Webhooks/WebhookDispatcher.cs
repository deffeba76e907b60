using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Webhooks;

/// <summary>The web node's sender: a round every <see cref="WebhookOptions.PollInterval"/>, at once when woken, and a clean-up hourly.</summary>
public sealed class WebhookDispatcher(IServiceScopeFactory scopes, WebhookSignal signal, IOptions<WebhookOptions> options, TimeProvider clock, ILogger<WebhookDispatcher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Dispatch)
        {
            return;
        }

        var nextCleanup = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var round = scope.ServiceProvider.GetRequiredService<WebhookDeliveryRound>();
                await round.RunAsync(stoppingToken);
                if (clock.GetUtcNow() >= nextCleanup)
                {
                    await round.CleanupAsync(stoppingToken);
                    nextCleanup = clock.GetUtcNow().AddHours(1);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database away for a moment: the next round picks up where this one stopped.
                logger.LogError(e, "A webhook round failed; the next one tries again.");
            }

            try
            {
                await signal.WaitAsync(options.Value.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
