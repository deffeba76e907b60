using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace LabelPlatform.Testing;

/// <summary>
/// smtp4dev (a .NET tool in the repository's manifest, restored by ./test.sh): a real SMTP server
/// that keeps every message and shows them over HTTP. One per test process, started on first use and
/// stopped when the process ends; the apps under test send their mail to it and tests read it back.
/// </summary>
public sealed class MailSink
{
    private static readonly Lazy<MailSink> Instance = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly HttpClient _api;

    private MailSink(int smtpPort, int webPort)
    {
        SmtpPort = smtpPort;
        _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{webPort}") };
    }

    public static MailSink Shared => Instance.Value;

    public int SmtpPort { get; }

    public sealed record Message(string Id, string Subject, string Text);

    /// <summary>Waits for a message to <paramref name="address"/> (mail leaves the app in the background) and returns it.</summary>
    public async Task<Message> WaitForAsync(string address, string? subjectContains = null, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if ((await ToAsync(address)).FirstOrDefault(m => subjectContains is null || m.Subject.Contains(subjectContains, StringComparison.Ordinal)) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"No mail to {address} reached the sink within the time allowed.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Every message to <paramref name="address"/> so far, newest first.</summary>
    public async Task<IReadOnlyList<Message>> ToAsync(string address)
    {
        using var list = JsonDocument.Parse(await _api.GetStringAsync("/api/messages?pageSize=1000"));
        var found = new List<Message>();
        foreach (var row in list.RootElement.GetProperty("results").EnumerateArray())
        {
            var to = row.GetProperty("to").EnumerateArray().Select(t => t.GetString() ?? "");
            if (!to.Any(t => t.Contains(address, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            var id = row.GetProperty("id").GetString()!;
            var text = await _api.GetStringAsync($"/api/messages/{id}/plaintext");
            found.Add(new Message(id, row.GetProperty("subject").GetString() ?? "", text));
        }

        return found;
    }

    private static MailSink Start()
    {
        var (smtpPort, webPort) = (FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryFiles.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "tool", "run", "smtp4dev", "--", $"--urls=http://127.0.0.1:{webPort}", $"--smtpport={smtpPort}", "--imapport=", "--pop3port=", "--db=", "--nousersettings", "--messagestokeep=100000" })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("smtp4dev did not start.");
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        process.ErrorDataReceived += (_, e) => log.Enqueue(e.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        };

        var sink = new MailSink(smtpPort, webPort);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"smtp4dev exited ({process.ExitCode}); run `dotnet tool restore` in the repository. Its output: {string.Join(" | ", log.TakeLast(10))}");
            }

            try
            {
                sink._api.GetStringAsync("/api/messages").GetAwaiter().GetResult();
                return sink;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < until)
            {
                Thread.Sleep(200);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
