using Hangfire.Logging;
using Microsoft.Extensions.Logging;
using HangfireLevel = Hangfire.Logging.LogLevel;
using MsLevel = Microsoft.Extensions.Logging.LogLevel;

namespace LabelPlatform.Background;

/// <summary>
/// Hangfire's logging into the host's loggers. Hangfire keeps one log provider for the whole
/// process; when a process runs hosts one after another (the test suites do), the provider can
/// outlive its host's logger factory, and Hangfire's stock provider then throws on the next job
/// enqueued. This one drops the message instead.
/// </summary>
internal sealed class HostLogProvider(ILoggerFactory factory) : ILogProvider
{
    public ILog GetLogger(string name) => new HostLog(factory, name);

    private sealed class HostLog(ILoggerFactory factory, string name) : ILog
    {
        private ILogger? _logger;

        public bool Log(HangfireLevel logLevel, Func<string>? messageFunc, Exception? exception = null)
        {
            try
            {
                _logger ??= factory.CreateLogger(name);
                var level = logLevel switch
                {
                    HangfireLevel.Trace => MsLevel.Trace,
                    HangfireLevel.Debug => MsLevel.Debug,
                    HangfireLevel.Info => MsLevel.Information,
                    HangfireLevel.Warn => MsLevel.Warning,
                    HangfireLevel.Error => MsLevel.Error,
                    _ => MsLevel.Critical,
                };
                if (messageFunc is null)
                {
                    return _logger.IsEnabled(level);
                }

                _logger.Log(level, 0, messageFunc(), exception, static (state, _) => state);
                return true;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }
    }
}
