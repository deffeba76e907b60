using System.Diagnostics;

namespace LabelPlatform.Billing.Settlement;

/// <summary>
/// Spaces Stripe writes evenly at the configured rate across all of this process's callers, so
/// settlement runs at Stripe's limit without meeting 429s. A slot is never saved up while idle, so
/// there is no burst after a pause.
/// </summary>
public sealed class StripeWritePacer
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TimeSpan _interval;
    private TimeSpan _next;

    public StripeWritePacer(double writesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(writesPerSecond);
        _interval = TimeSpan.FromSeconds(1 / writesPerSecond);
    }

    public double WritesPerSecond => 1 / _interval.TotalSeconds;

    public async ValueTask WaitAsync(CancellationToken ct)
    {
        TimeSpan wait;
        lock (_gate)
        {
            var now = _clock.Elapsed;
            var slot = _next > now ? _next : now;
            _next = slot + _interval;
            wait = slot - now;
        }

        if (wait > TimeSpan.FromMilliseconds(0.5))
        {
            await Task.Delay(wait, ct);
        }
    }
}
