using LabelPlatform.Testing;
using LabelPlatform.Webhooks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Webhooks;

/// <summary>The app with webhook retries in fractions of a second and a give-up time of a few seconds, so the schedule plays out in a test.</summary>
public sealed class WebhookFactory : LabelPlatformFactory
{
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(3);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Webhooks:RetryBase", "00:00:00.2");
        builder.UseSetting("Webhooks:RetryCap", "00:00:00.5");
        builder.UseSetting("Webhooks:GiveUpAfter", GiveUpAfter.ToString());
        builder.UseSetting("Webhooks:SettledBatchWindow", "00:00:00");
        builder.UseSetting("Webhooks:GoldPoolInterval", "00:00:00");
    }

    public ManageWebhooks Manage => Services.GetRequiredService<ManageWebhooks>();

    /// <summary>Runs the sender's rounds until <paramref name="done"/> holds (what a person waits for), or fails after 30 s of rounds.</summary>
    public async Task RoundsUntilAsync(Func<Task<bool>> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Still waiting after 30 s of webhook rounds for: {what}");
            await using var scope = Services.CreateAsyncScope();
            if (await scope.ServiceProvider.GetRequiredService<WebhookDeliveryRound>().RunAsync(CancellationToken.None) == 0)
            {
                // Nothing was due: the next try's time has not come yet.
                await Task.Delay(50);
            }
        }
    }

    /// <summary>One round, as the web node's sender runs it.</summary>
    public async Task<int> RoundAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<WebhookDeliveryRound>().RunAsync(CancellationToken.None);
    }
}
