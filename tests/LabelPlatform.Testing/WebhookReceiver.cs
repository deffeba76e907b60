using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.Testing;

/// <summary>A researcher's endpoint: a real HTTP server on 127.0.0.1 that keeps every request and answers with the statuses it is told.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly ConcurrentQueue<int> _answers = new();

    private WebhookReceiver(WebApplication app) => _app = app;

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, string Body)
    {
        public string Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out var value) ? value : "";
    }

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The status when no answer is queued.</summary>
    public int DefaultStatus { get; set; } = 200;

    public string Url(string path = "/hooks") => $"{_app.Urls.First()}{path}";

    public int Port => new Uri(_app.Urls.First()).Port;

    /// <summary>The next requests get these statuses, in order; then <see cref="DefaultStatus"/>.</summary>
    public void AnswerNext(params int[] statuses)
    {
        foreach (var status in statuses)
        {
            _answers.Enqueue(status);
        }
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync();
            receiver.Requests.Enqueue(new Received(http.Request.Path, http.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()), body));
            var status = receiver._answers.TryDequeue(out var next) ? next : receiver.DefaultStatus;
            return status == 204 ? Results.NoContent() : Results.Text(status < 300 ? "ok" : "receiver says no", statusCode: status);
        });
        await app.StartAsync();
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
