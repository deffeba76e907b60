using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>
/// Requests that carry <see cref="Header"/> arrive from that address, as from machines on a network
/// (the test server has no remote address of its own).
/// </summary>
public sealed class SourceAddress : IStartupFilter
{
    public const string Header = "X-Test-Source";

    public static void Use(IWebHostBuilder builder) => builder.ConfigureServices(s => s.AddTransient<IStartupFilter, SourceAddress>());

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, following) =>
        {
            if (context.Request.Headers.TryGetValue(Header, out var source))
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(source.ToString());
            }

            return following(context);
        });
        next(app);
    };
}
