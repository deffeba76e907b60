using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests.Diagnostics;

/// <summary>
/// The browser contexts one test opened, each traced (screenshots and DOM snapshots) with its
/// pages' console, errors, navigations, failed requests and WebSocket closes logged. A failed
/// test's recording is saved under <c>LP_E2E_ARTIFACTS</c> (or the test output folder).
/// </summary>
public sealed class BrowserRecording(string testName)
{
    private const int LogLinesInMessage = 25;
    private const int TextCharsInMessage = 1200;

    private static readonly AsyncLocal<BrowserRecording?> CurrentRecording = new();

    private readonly ConcurrentQueue<Session> _sessions = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly DateTimeOffset _started = DateTimeOffset.UtcNow;
    private ServerLog? _serverLog;

    /// <summary>The recording of the browser test running on this flow, if any.</summary>
    public static BrowserRecording? Current
    {
        get => CurrentRecording.Value;
        set => CurrentRecording.Value = value;
    }

    public string TestName { get; } = testName;

    /// <summary>What the browser refused under the app's Content-Security-Policy: a page the policy breaks.</summary>
    public ConcurrentQueue<string> PolicyViolations { get; } = new();

    /// <summary>Starts tracing the page's context and logging the page; <paramref name="serverLog"/> is the app's own log.</summary>
    public async Task AttachAsync(IPage page, ServerLog serverLog)
    {
        _serverLog ??= serverLog;
        var session = new Session(_sessions.Count + 1, page);
        _sessions.Enqueue(session);
        page.Console += (_, m) =>
        {
            Log(session, $"console.{m.Type}: {m.Text}");
            if (m.Text.Contains("Content Security Policy", StringComparison.Ordinal))
            {
                PolicyViolations.Enqueue($"{page.Url}: {m.Text}");
            }
        };
        page.PageError += (_, error) => Log(session, $"page error: {error}");
        page.Crash += (_, _) => Log(session, "page crashed");
        page.FrameNavigated += (_, frame) =>
        {
            if (frame.ParentFrame is null)
            {
                Log(session, $"navigated to {frame.Url}");
            }
        };
        page.RequestFailed += (_, request) => Log(session, $"request failed: {request.Method} {request.Url} ({request.Failure})");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                Log(session, $"HTTP {response.Status}: {response.Request.Method} {response.Url}");
            }
        };
        page.WebSocket += (_, socket) =>
        {
            Log(session, $"WebSocket opened: {socket.Url}");
            socket.Close += (_, _) => Log(session, $"WebSocket closed: {socket.Url}");
            socket.SocketError += (_, error) => Log(session, $"WebSocket error: {error}");
        };
        await page.Context.Tracing.StartAsync(new TracingStartOptions { Title = TestName, Screenshots = true, Snapshots = true });
    }

    /// <summary>
    /// Saves every page's trace, screenshot, DOM and log into a new folder and returns what to add to
    /// the failure message: the folder and, per page, its address, the Blazor connection's state, the
    /// visible text and the last lines of its log. Null when the test opened no page.
    /// </summary>
    public async Task<string?> SaveAsync()
    {
        if (_sessions.IsEmpty)
        {
            return null;
        }

        var folder = Path.Combine(ArtifactsRoot(), $"{Sanitise(TestName)}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}");
        Directory.CreateDirectory(folder);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"Browser state when the test failed; traces, screenshots, DOM and logs in {folder}");
        report.AppendLine("(a trace-N.zip opens in Playwright's trace viewer: playwright.ps1 show-trace, in this project's build output)");
        foreach (var session in _sessions)
        {
            await session.SaveAsync(folder, report, _clock.Elapsed);
        }

        var server = _serverLog?.Since(_started) ?? [];
        await File.WriteAllLinesAsync(Path.Combine(folder, "server-log.txt"), server);
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"--- the app's warnings and errors since the test began: {server.Count}");
        foreach (var line in server.TakeLast(LogLinesInMessage))
        {
            report.AppendLine(CultureInfo.InvariantCulture, $"  {Session.Shorten(line, 2000)}");
        }

        return report.ToString();
    }

    /// <summary>Ends tracing without keeping it and closes the contexts.</summary>
    public async Task CloseAsync()
    {
        while (_sessions.TryDequeue(out var session))
        {
            await session.CloseAsync();
        }
    }

    private void Log(Session session, string line) =>
        session.Log.Enqueue($"{_clock.Elapsed.TotalSeconds,8:0.000}s {line}");

    private static string ArtifactsRoot() =>
        Environment.GetEnvironmentVariable("LP_E2E_ARTIFACTS") is { Length: > 0 } root
            ? root
            : Path.Combine(AppContext.BaseDirectory, "e2e-failures");

    private static string Sanitise(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').ToArray());

    private sealed class Session(int number, IPage page)
    {
        private bool _saved;

        public ConcurrentQueue<string> Log { get; } = new();

        public async Task SaveAsync(string folder, StringBuilder report, TimeSpan now)
        {
            report.AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"--- page {number}: {(page.IsClosed ? "(closed)" : page.Url)} at {now.TotalSeconds:0.000}s");
            if (!page.IsClosed)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"Blazor: {await Try(() => page.EvaluateAsync<string>(BlazorStateScript))}");
                var text = await Try(() => page.EvaluateAsync<string>("() => document.body ? document.body.innerText : ''"));
                report.AppendLine(CultureInfo.InvariantCulture, $"Visible text: {Shorten(text.ReplaceLineEndings(" | "), TextCharsInMessage)}");
                await Try(() => page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"screenshot-{number}.png"), FullPage = true, Timeout = 10_000 }));
                var html = await Try(() => page.ContentAsync());
                await File.WriteAllTextAsync(Path.Combine(folder, $"dom-{number}.html"), html);
            }

            var lines = Log.ToArray();
            await File.WriteAllLinesAsync(Path.Combine(folder, $"log-{number}.txt"), lines);
            report.AppendLine(CultureInfo.InvariantCulture, $"Last {Math.Min(lines.Length, LogLinesInMessage)} of {lines.Length} log lines:");
            foreach (var line in lines.TakeLast(LogLinesInMessage))
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"  {Shorten(line, 300)}");
            }

            await Try(() => page.Context.Tracing.StopAsync(new TracingStopOptions { Path = Path.Combine(folder, $"trace-{number}.zip") }));
            _saved = true;
        }

        public async Task CloseAsync()
        {
            if (!_saved)
            {
                await Try(() => page.Context.Tracing.StopAsync());
            }

            await Try(() => page.Context.CloseAsync());
        }

        // What the page's Blazor connection is doing: connected, reconnecting or failed, and any error UI shown.
        private const string BlazorStateScript = """
            () => {
              const modal = document.getElementById("components-reconnect-modal");
              const error = document.getElementById("blazor-error-ui");
              const parts = [];
              parts.push(modal ? "reconnect UI: " + (modal.className || "present") + (modal.open ? " (open)" : "") : "no reconnect UI shown");
              if (error) parts.push("error UI " + (getComputedStyle(error).display === "none" ? "hidden" : "SHOWN: " + error.innerText.trim()));
              parts.push("document " + document.readyState);
              parts.push("focus on " + (document.activeElement ? document.activeElement.tagName.toLowerCase() + (document.activeElement.className ? "." + String(document.activeElement.className).split(" ").join(".") : "") : "nothing"));
              return parts.join("; ");
            }
            """;

        public static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";

        /// <summary>What the page answered, or why it could not (a closed or crashed page still gets reported).</summary>
        private static async Task<string> Try<T>(Func<Task<T>> action)
        {
            try
            {
                return await action() as string ?? "";
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException or IOException)
            {
                return $"(unavailable: {e.GetType().Name}: {e.Message.Split('\n')[0]})";
            }
        }

        private static Task<string> Try(Func<Task> action) => Try(async () =>
        {
            await action();
            return "";
        });
    }
}
