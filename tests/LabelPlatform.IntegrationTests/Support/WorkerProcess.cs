using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using LabelPlatform.Testing;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>
/// The real LabelPlatform.Worker (built beside the tests, see the project file) as a child process
/// on the test's database and item store, configured through environment variables as in production.
/// </summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    public static string DllPath { get; } = typeof(WorkerProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ReviewWorkerPath").Value!;

    public int Id => _process.Id;

    /// <summary>The last lines the worker wrote, for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Starts the worker; its database sessions carry <paramref name="applicationName"/>, so the test can find them in pg_stat_activity.</summary>
    public static WorkerProcess Start(LabelPlatformFactory factory, string applicationName, IReadOnlyDictionary<string, string> settings)
    {
        Assert.True(File.Exists(DllPath), $"The worker is not built at {DllPath}.");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(DllPath)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        start.Environment["ConnectionStrings__Default"] = new NpgsqlConnectionStringBuilder(factory.Database.ConnectionString) { ApplicationName = applicationName }.ConnectionString;
        start.Environment["Storage__Root"] = factory.StorageRoot;
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var worker = new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("The worker did not start."));
        worker._process.OutputDataReceived += (_, e) => worker.Keep(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Keep(e.Data);
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Kills the worker and everything it started, at once, as a crash or an OOM kill would.</summary>
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
