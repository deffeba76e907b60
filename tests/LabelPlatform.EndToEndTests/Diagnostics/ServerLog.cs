using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LabelPlatform.EndToEndTests.Diagnostics;

/// <summary>
/// The web app's warnings and errors (a circuit that failed, a request that threw), kept with the
/// time they were written so a failed browser test can show what the server said while it ran.
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    private const int Kept = 2000;

    private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> _lines = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>The lines written since <paramref name="since"/>, oldest first.</summary>
    public IReadOnlyList<string> Since(DateTimeOffset since) =>
        _lines.Where(l => l.At >= since).Select(l => $"{l.At:HH:mm:ss.fff} {l.Line}").ToList();

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        _lines.Enqueue((DateTimeOffset.UtcNow, line));
        while (_lines.Count > Kept && _lines.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
            }
        }
    }
}
