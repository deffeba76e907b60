namespace LabelPlatform.Accounts.SignIn;

/// <summary>
/// Failed sign-ins for one email address from one source address. After a few free tries each
/// further failure makes that source wait longer before it may try that address again. Nobody
/// elsewhere is slowed down, so an attacker cannot lock a worker out at will, and the rule is the
/// same whether the address belongs to an account or not.
/// </summary>
public sealed class SignInThrottle
{
    /// <summary>SHA-256 of the normalised email and the source: no email or IP address is stored in the clear.</summary>
    public string Key { get; set; } = "";

    public int Failures { get; set; }

    public DateTimeOffset LastFailureAt { get; set; }

    public DateTimeOffset BlockedUntil { get; set; }
}

/// <summary>The waiting rule, pure.</summary>
public static class SignInDelays
{
    /// <summary>Failures before any wait.</summary>
    public const int FreeFailures = 5;

    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(15);

    /// <summary>Failures older than this are forgotten.</summary>
    public static readonly TimeSpan Memory = TimeSpan.FromHours(24);

    /// <summary>The wait after the <paramref name="failures"/>-th failure in a row: none, then 1 s, 2 s, 4 s … up to 15 minutes.</summary>
    public static TimeSpan After(int failures) =>
        failures <= FreeFailures ? TimeSpan.Zero
        : failures - FreeFailures - 1 >= 10 ? MaxDelay
        : TimeSpan.FromSeconds(Math.Min(MaxDelay.TotalSeconds, Math.Pow(2, failures - FreeFailures - 1)));
}
