using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Webhooks;

public static class WebhooksSetup
{
    /// <summary>Webhooks read the events every capability writes; nothing depends on them.</summary>
    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<WebhookOptions>(builder.Configuration.GetSection(WebhookOptions.Section));
        builder.Services.AddSingleton<WebhookSignal>();
        builder.Services.AddSingleton<WebhookSender>();
        builder.Services.AddTransient<ManageWebhooks>();
        builder.Services.AddTransient<WebhookDeliveryRound>();
        return builder;
    }

    /// <summary>The sender, on the nodes that send (the web node).</summary>
    public static IHostApplicationBuilder AddWebhookDispatcher(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<WebhookDispatcher>();
        return builder;
    }
}
