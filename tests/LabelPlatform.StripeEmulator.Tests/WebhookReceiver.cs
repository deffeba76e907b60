using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

/// <summary>A webhook endpoint as an application would write one: it verifies the signature with Stripe.net.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<Event> _received = new();
    private readonly ConcurrentQueue<int> _statuses = new();
    private readonly SemaphoreSlim _arrived = new(0);

    private WebhookReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;
    public string Secret { get; private init; } = "";
    public int BadSignatures;
    public IReadOnlyList<Event> Received => _received.ToList();

    /// <summary>Status codes to answer with, one per request, before answering 200.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var s in statuses)
        {
            _statuses.Enqueue(s);
        }
    }

    public static async Task<WebhookReceiver> StartAsync(string secret)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app) { Secret = secret };
        app.MapPost("/hook", async (HttpRequest request) =>
        {
            var json = await new StreamReader(request.Body).ReadToEndAsync();
            if (receiver._statuses.TryDequeue(out var status))
            {
                return Results.StatusCode(status);
            }
            try
            {
                var evt = EventUtility.ConstructEvent(json, request.Headers["Stripe-Signature"], secret);
                receiver._received.Enqueue(evt);
                receiver._arrived.Release();
                return Results.Ok();
            }
            catch (StripeException)
            {
                Interlocked.Increment(ref receiver.BadSignatures);
                return Results.BadRequest();
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/hook");
        return receiver;
    }

    public async Task<Event> WaitForAsync(string type, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            if (_received.FirstOrDefault(e => e.Type == type) is { } found)
            {
                return found;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _arrived.WaitAsync(left))
            {
                throw new TimeoutException($"No {type} webhook arrived.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _arrived.Dispose();
    }
}
