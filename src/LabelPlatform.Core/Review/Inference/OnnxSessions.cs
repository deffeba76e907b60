using System.Collections.Concurrent;
using LabelPlatform.Review.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace LabelPlatform.Review.Inference;

/// <summary>
/// One <see cref="InferenceSession"/> per model version per process, made on first use and reused:
/// sessions are thread-safe for Run and costly to create. With <c>Review:Device=cuda</c> a session
/// uses the CUDA execution provider when the process carries the GPU runtime; otherwise it runs
/// on CPU and says so once in the log.
/// </summary>
public sealed class OnnxSessions(IOptions<ReviewOptions> options, ILogger<OnnxSessions> logger) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<InferenceSession>> _sessions = new();
    private int _cpuNoticeGiven;

    /// <summary>The device sessions of this process actually use: "cuda" or "cpu".</summary>
    public string Device { get; private set; } = "cpu";

    /// <param name="key">Identifies the model version (its content hash): the same key always means the same bytes.</param>
    public InferenceSession Get(string key, Func<byte[]> load) =>
        _sessions.GetOrAdd(key, _ => new Lazy<InferenceSession>(() => Create(load()), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    /// <summary>
    /// A session for a model's bytes, after the file check: a model kept before the check existed
    /// (or put in the store by other means) still cannot make this process open another file.
    /// </summary>
    public InferenceSession Create(byte[] model)
    {
        using (var check = new MemoryStream(model, writable: false))
        {
            if (OnnxFileCheck.Problem(check) is { } problem)
            {
                throw new InvalidDataException(problem);
            }
        }

        using var sessionOptions = NewOptions();
        return new InferenceSession(model, sessionOptions);
    }

    /// <summary>A session for a model file already checked (<see cref="OnnxFileCheck"/>): the model is read from disk once, not held twice.</summary>
    public InferenceSession CreateFromCheckedFile(string path)
    {
        using var sessionOptions = NewOptions();
        return new InferenceSession(path, sessionOptions);
    }

    private SessionOptions NewOptions()
    {
        var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (options.Value.IntraOpThreads > 0)
        {
            sessionOptions.IntraOpNumThreads = options.Value.IntraOpThreads;
        }

        if (string.Equals(options.Value.Device, "cuda", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                sessionOptions.AppendExecutionProvider_CUDA(0);
                Device = "cuda";
            }
            catch (Exception e) when (e is OnnxRuntimeException or EntryPointNotFoundException or DllNotFoundException)
            {
                if (Interlocked.Exchange(ref _cpuNoticeGiven, 1) == 0)
                {
                    logger.LogWarning(
                        "Review:Device is cuda but CUDA is not available here ({Reason}); models run on CPU. GPU workers need the Microsoft.ML.OnnxRuntime.Gpu build (-p:OnnxRuntimeFlavor=Gpu) and a visible GPU.",
                        e.Message.Split('\n')[0]);
                }
            }
        }

        return sessionOptions;
    }

    public void Dispose()
    {
        foreach (var session in _sessions.Values.Where(s => s.IsValueCreated))
        {
            session.Value.Dispose();
        }

        _sessions.Clear();
    }
}
