using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using LabelPlatform.Testing;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>
/// One of our real programs (built beside the tests, see the project file: the review worker, or the
/// web app's one-shot commands) as a child process on the test's database and item store,
/// configured through environment variables as in production, so a test can kill it mid-way.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private AppProcess(Process process)
    {
        _process = process;
        Exited = process.WaitForExitAsync();
    }

    /// <summary>The review worker (LabelPlatform.Worker.dll).</summary>
    public const string ReviewWorker = "ReviewWorkerPath";

    /// <summary>The web app (LabelPlatform.Web.dll), for its one-shot commands such as `settle`.</summary>
    public const string WebApp = "WebAppPath";

    public int Id => _process.Id;

    public Task Exited { get; }

    /// <summary>The last lines the program wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts the program built at the path the project file records under <paramref name="program"/>, with
    /// <paramref name="arguments"/>; its database sessions carry <paramref name="applicationName"/>, so the test
    /// can find them in pg_stat_activity.
    /// </summary>
    public static AppProcess Start(
        string program, IEnumerable<string> arguments, LabelPlatformFactory factory, string applicationName, IEnumerable<KeyValuePair<string, string>> settings)
    {
        var dllPath = typeof(AppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == program).Value!;
        Assert.True(File.Exists(dllPath), $"{Path.GetFileName(dllPath)} is not built at {dllPath}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dllPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__Default"] = new NpgsqlConnectionStringBuilder(factory.Database.ConnectionString) { ApplicationName = applicationName }.ConnectionString;
        start.Environment["Storage__Root"] = factory.StorageRoot;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var started = new AppProcess(Process.Start(start) ?? throw new InvalidOperationException($"{Path.GetFileName(dllPath)} did not start."));
        started._process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        started._process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        started._process.BeginOutputReadLine();
        started._process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Kills the program and everything it started, at once, as a crash or an OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 200 && _output.TryDequeue(out _))
        {
        }
    }
}
