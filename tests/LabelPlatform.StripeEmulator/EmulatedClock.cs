namespace LabelPlatform.StripeEmulator;

/// <summary>
/// The emulator's notion of now: wall time plus an offset a test can move forward, so what Stripe does
/// after hours or days (idempotency keys forgotten after 24 hours, pending funds becoming available)
/// happens at once.
/// </summary>
public sealed class EmulatedClock
{
    private long _offsetTicks;

    public DateTimeOffset UtcNow => DateTimeOffset.UtcNow + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Unix seconds, as Stripe's <c>created</c> and <c>available_on</c> fields carry them.</summary>
    public long UnixNow => UtcNow.ToUnixTimeSeconds();

    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        Interlocked.Add(ref _offsetTicks, by.Ticks);
    }

    public void Reset() => Interlocked.Exchange(ref _offsetTicks, 0);
}
