using System.Diagnostics;
using System.Text.Json;
using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Inference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Review.Models;

/// <summary>
/// Loads and test-runs an uploaded model in a process of its own, never in the web process: the
/// app's own program started again with <c>check-model</c> (<see cref="RunChildAsync"/>). The
/// parent watches the child's CPU time and resident memory every few milliseconds and kills it at
/// <c>Review:ModelCheckCpuSeconds</c> or <c>Review:ModelCheckMemoryMiB</c>, and the refusal names
/// the limit; a child that hangs without using CPU is stopped after four times the CPU limit and a
/// minute of wall-clock time. The file is checked first (<see cref="OnnxFileCheck"/>), so no loader ever follows a
/// path in it.
/// </summary>
public sealed class ModelSandbox(IOptions<ReviewOptions> options)
{
    public const string Command = "check-model";

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);

    private sealed record Request(string ModelPath, ModelDescriptor Descriptor, TaskKind Kind, IReadOnlyList<string> Labels);

    private sealed record Answer(string? Problem);

    /// <summary>Null when the model loads, fits its descriptor and the job, and runs a test batch within the limits; else why not.</summary>
    public async Task<Error?> CheckAsync(string modelPath, ModelDescriptor descriptor, TaskKind kind, IReadOnlyList<string> labels, CancellationToken ct = default)
    {
        await using (var file = File.OpenRead(modelPath))
        {
            if (OnnxFileCheck.Problem(file) is { } problem)
            {
                return ModelValidator.Invalid(problem);
            }
        }

        var requestPath = Path.Combine(Path.GetTempPath(), $"lp-model-check-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(requestPath, JsonSerializer.Serialize(new Request(modelPath, descriptor, kind, labels)), ct);
        try
        {
            return await RunAsync(requestPath, ct);
        }
        finally
        {
            File.Delete(requestPath);
        }
    }

    private async Task<Error?> RunAsync(string requestPath, CancellationToken ct)
    {
        var (cpuLimit, memoryLimit) = (TimeSpan.FromSeconds(options.Value.ModelCheckCpuSeconds), options.Value.ModelCheckMemoryMiB * 1024L * 1024L);
        var start = ChildStart();
        start.ArgumentList.Add(Command);
        start.ArgumentList.Add(requestPath);
        // The managed heap stays well inside the limit; the rest is ONNX Runtime's, which the watch below bounds.
        start.Environment["DOTNET_GCHeapHardLimit"] = $"{Math.Max(64L * 1024 * 1024, memoryLimit / 4):X}";
        start.Environment["DOTNET_gcServer"] = "0";

        using var child = Process.Start(start) ?? throw new InvalidOperationException("The model check process did not start.");
        var output = child.StandardOutput.ReadToEndAsync(ct);
        var errors = child.StandardError.ReadToEndAsync(ct);
        var wall = Stopwatch.StartNew();
        string? exceeded = null;
        while (!child.HasExited)
        {
            child.Refresh();
            try
            {
                if (child.TotalProcessorTime > cpuLimit)
                {
                    exceeded = $"The model needed more than {cpuLimit.TotalSeconds:0} seconds of CPU time to load and run a test batch of two images, the limit for a review model.";
                }
                else if (child.WorkingSet64 > memoryLimit)
                {
                    exceeded = $"The model needed more than {memoryLimit / (1024 * 1024):N0} MiB of memory to load and run a test batch of two images, the limit for a review model.";
                }
                else if (wall.Elapsed > WallLimit(cpuLimit))
                {
                    exceeded = $"The model did not finish loading and running a test batch within {WallLimit(cpuLimit).TotalSeconds:0} seconds.";
                }
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                break; // it exited between the checks (its /proc entry is gone)
            }

            if (exceeded is not null)
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync(CancellationToken.None);
                return ModelValidator.Invalid(exceeded);
            }

            await Task.WhenAny(child.WaitForExitAsync(ct), Task.Delay(Poll, ct));
        }

        await child.WaitForExitAsync(ct);
        var lastLine = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        Answer? answer = null;
        try
        {
            answer = lastLine is null ? null : JsonSerializer.Deserialize<Answer>(lastLine);
        }
        catch (JsonException)
        {
        }

        if (child.ExitCode == 0 && answer is not null)
        {
            return answer.Problem is null ? null : ModelValidator.Invalid(answer.Problem);
        }

        // Killed by the system (out of memory), or crashed inside ONNX Runtime.
        var why = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        return ModelValidator.Invalid($"The model could not be loaded and run: its check ended with exit code {child.ExitCode}{(why is null ? "" : $" ({why})")}.");
    }

    // The web app's own program: its published executable, or `dotnet LabelPlatform.Web.dll` (run.sh, the
    // image, and tests, whose process is the test host with the web app's assembly beside it).
    // For a child that hangs without using CPU: generous, so a busy machine that gives the child
    // little CPU still reaches the CPU limit first.
    private static TimeSpan WallLimit(TimeSpan cpuLimit) => (cpuLimit * 4) + TimeSpan.FromMinutes(1);

    private static ProcessStartInfo ChildStart()
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var entry = System.Reflection.Assembly.GetEntryAssembly();
        var isWeb = entry?.GetName().Name == "LabelPlatform.Web";
        var processPath = Environment.ProcessPath;
        var hostIsDotnet = processPath is not null && Path.GetFileNameWithoutExtension(processPath) == "dotnet";
        if (isWeb && processPath is not null && !hostIsDotnet)
        {
            start.FileName = processPath;
            return start;
        }

        start.FileName = hostIsDotnet ? processPath! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        start.ArgumentList.Add(isWeb ? entry!.Location : Path.Combine(AppContext.BaseDirectory, "LabelPlatform.Web.dll"));
        return start;
    }

    /// <summary>
    /// The child's side (<c>app check-model REQUEST</c>): loads the model from its file (read once,
    /// by ONNX Runtime), validates it with one thread, prints the answer as one JSON line. Exit 0
    /// with the answer; anything else is a crash the parent reports.
    /// </summary>
    public static async Task<int> RunChildAsync(string requestPath)
    {
        var request = JsonSerializer.Deserialize<Request>(await File.ReadAllTextAsync(requestPath))
            ?? throw new InvalidDataException("The model check request is empty.");
        using var sessions = new OnnxSessions(Options.Create(new ReviewOptions { IntraOpThreads = 1 }), NullLogger<OnnxSessions>.Instance);
        var problem = new ModelValidator(sessions).ValidateFile(request.ModelPath, request.Descriptor, request.Kind, request.Labels);
        Console.WriteLine(JsonSerializer.Serialize(new Answer(problem?.Message)));
        return 0;
    }
}
