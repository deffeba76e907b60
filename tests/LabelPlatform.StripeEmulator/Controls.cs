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
            if (!Refill())
            {
                return false;
            }
            if (_rate is not null)
            {
                _tokens -= 1;
            }
            return true;
        }
    }

    private bool Refill()
    {
        if (_rate is not { } rate)
        {
            return true;
        }
        var now = Environment.TickCount64;
        _tokens = Math.Min(rate, _tokens + (now - _lastTicks) * rate / 1000.0);
        _lastTicks = now;
        return _tokens >= 1;
    }
}

/// <summary>
/// Stripe's rate limiters: one global bucket for every request (reads included) and one bucket per
/// endpoint. A refusal names its limiter as Stripe's <c>Stripe-Rate-Limited-Reason</c> header does.
/// </summary>
internal sealed class RateLimits
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TokenBucket> _endpoints = new(StringComparer.Ordinal);
    private int? _endpointRate;

    public TokenBucket Global { get; } = new();

    public int? EndpointRate
    {
        get { lock (_gate) { return _endpointRate; } }
        set
        {
            lock (_gate)
            {
                _endpointRate = value;
                _endpoints.Clear();
            }
        }
    }

    /// <summary>Null when the request may go ahead (a token taken from both), else the limiter that refused.</summary>
    public string? Check(string method, string path)
    {
        TokenBucket endpoint;
        lock (_gate)
        {
            var name = Endpoint(method, path);
            if (!_endpoints.TryGetValue(name, out endpoint!))
            {
                endpoint = _endpoints[name] = new TokenBucket { Rate = _endpointRate };
            }
        }
        if (!endpoint.TryTake())
        {
            return "endpoint-rate";
        }
        return Global.TryTake() ? null : "global-rate";
    }

    /// <summary><c>POST /v1/transfers/tr_123/reversals</c> → <c>POST /v1/transfers/{id}/reversals</c>: one limit per operation, not per object.</summary>
    public static string Endpoint(string method, string path) =>
        method + " " + string.Join('/', path.Split('/').Select(part => part.Contains('_') && part.Length > 8 ? "{id}" : part));
}

/// <summary>Rules that each apply to the next <c>count</c> POSTs under a path prefix (injected errors, cut answers).</summary>
internal sealed class CountedRules<T> where T : class
{
    private readonly Lock _gate = new();
    private readonly List<(string Prefix, int Remaining, T Value)> _rules = [];

    public void Add(string prefix, int count, T value)
    {
        lock (_gate)
        {
            _rules.Add((prefix, count, value));
        }
    }

    /// <summary>The first matching rule's value, consuming one of its uses; null when none matches.</summary>
    public T? Take(string path)
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
            return rule.Value;
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
    internal sealed record Entry(string Method, string Path, string Fingerprint, TaskCompletionSource<ApiResult?> Result, DateTimeOffset Created);

    /// <summary>Stripe prunes keys once they are at least 24 hours old; a key used again after that executes afresh.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    private readonly ConcurrentDictionary<(string ApiKey, string Key), Entry> _entries = new();

    /// <summary>The entry for the key; <paramref name="owner"/> is true when this request must execute it.</summary>
    public Entry Begin(string apiKey, string key, string method, string path, string fingerprint, DateTimeOffset now, out bool owner)
    {
        var mine = new Entry(method, path, fingerprint, new(TaskCreationOptions.RunContinuationsAsynchronously), now);
        while (true)
        {
            var entry = _entries.GetOrAdd((apiKey, key), mine);
            if (ReferenceEquals(entry, mine) || now - entry.Created < Lifetime || !entry.Result.Task.IsCompleted)
            {
                owner = ReferenceEquals(entry, mine);
                return entry;
            }
            // Expired: forgotten, as if never used.
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>((apiKey, key), entry));
        }
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
