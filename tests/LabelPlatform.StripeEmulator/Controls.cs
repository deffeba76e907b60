using System.Collections.Concurrent;

namespace LabelPlatform.StripeEmulator;

/// <summary>Token bucket: capacity = rate, refilled continuously, so a client pacing at or under the rate never waits.</summary>
internal sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private int? _rate;
    private double _tokens;
    private long _lastTicks = Environment.TickCount64;

    public int? Rate
    {
        get { lock (_gate) { return _rate; } }
        set
        {
            lock (_gate)
            {
                _rate = value;
                _tokens = value ?? 0;
                _lastTicks = Environment.TickCount64;
            }
        }
    }

    public bool TryTake()
    {
        lock (_gate)
        {
            if (_rate is not { } rate)
            {
                return true;
            }
            var now = Environment.TickCount64;
            _tokens = Math.Min(rate, _tokens + (now - _lastTicks) * rate / 1000.0);
            _lastTicks = now;
            if (_tokens < 1)
            {
                return false;
            }
            _tokens -= 1;
            return true;
        }
    }
}

/// <summary>Errors queued by <c>FailNext</c>; each matching POST consumes one.</summary>
internal sealed class FailureInjector
{
    private readonly Lock _gate = new();
    private readonly List<(string Prefix, int Remaining, ApiError Error)> _rules = [];

    public void Add(string prefix, int count, ApiError error)
    {
        lock (_gate)
        {
            _rules.Add((prefix, count, error));
        }
    }

    public ApiError? Take(string path)
    {
        lock (_gate)
        {
            var index = _rules.FindIndex(r => path.StartsWith(r.Prefix, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }
            var rule = _rules[index];
            if (rule.Remaining <= 1)
            {
                _rules.RemoveAt(index);
            }
            else
            {
                _rules[index] = rule with { Remaining = rule.Remaining - 1 };
            }
            return rule.Error;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _rules.Clear();
        }
    }
}

/// <summary>Keeps matching POSTs from answering after their effect is committed, until released.</summary>
internal sealed class HoldGate
{
    private readonly Lock _gate = new();
    private readonly List<string> _prefixes = [];
    private TaskCompletionSource _release = NewSignal();
    private TaskCompletionSource _held = NewSignal();
    private int _heldCount;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int HeldCount => Volatile.Read(ref _heldCount);

    public void Add(string prefix)
    {
        lock (_gate)
        {
            _prefixes.Add(prefix);
        }
    }

    public bool Matches(string path)
    {
        lock (_gate)
        {
            return _prefixes.Any(p => path.StartsWith(p, StringComparison.Ordinal));
        }
    }

    /// <summary>Completes once a request is being held (at once if one already is).</summary>
    public Task WaitForHeldAsync()
    {
        lock (_gate)
        {
            return _held.Task;
        }
    }

    public async Task HoldAsync(CancellationToken aborted)
    {
        Task release;
        lock (_gate)
        {
            release = _release.Task;
            _heldCount++;
            _held.TrySetResult();
        }
        try
        {
            await release.WaitAsync(aborted);
        }
        finally
        {
            lock (_gate)
            {
                if (--_heldCount == 0 && _held.Task.IsCompleted)
                {
                    _held = NewSignal();
                }
            }
        }
    }

    /// <summary>Answers every held request and stops holding new ones.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _prefixes.Clear();
            _release.TrySetResult();
            _release = NewSignal();
        }
    }
}

/// <summary>Stripe's idempotency: the first result per (API key, Idempotency-Key) is kept and replayed.</summary>
internal sealed class IdempotencyStore
{
    internal sealed record Entry(string Method, string Path, string Fingerprint, TaskCompletionSource<ApiResult?> Result);

    private readonly ConcurrentDictionary<(string ApiKey, string Key), Entry> _entries = new();

    /// <summary>The entry for the key; <paramref name="owner"/> is true when this request must execute it.</summary>
    public Entry Begin(string apiKey, string key, string method, string path, string fingerprint, out bool owner)
    {
        var mine = new Entry(method, path, fingerprint, new(TaskCreationOptions.RunContinuationsAsynchronously));
        var entry = _entries.GetOrAdd((apiKey, key), mine);
        owner = ReferenceEquals(entry, mine);
        return entry;
    }

    /// <summary>Stores the result, or (null) forgets the key so a retry executes afresh.</summary>
    public void Complete(string apiKey, string key, Entry entry, ApiResult? result)
    {
        if (result is null)
        {
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>((apiKey, key), entry));
        }
        entry.Result.TrySetResult(result);
    }

    public void Clear() => _entries.Clear();
}
