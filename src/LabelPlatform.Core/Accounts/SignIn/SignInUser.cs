using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace LabelPlatform.Accounts.SignIn;

public sealed record SignInRequest(string? Email, string? Password, bool RememberMe, string Source);

/// <summary>
/// Either the account signed in (the cookie is set) with its roles, or an error that reads the
/// same for every address; <see cref="RetryAfter"/> is how long this source must wait, if it must.
/// </summary>
public sealed record SignInResult(AppUser? User, IList<string> Roles, Error? Error, TimeSpan RetryAfter)
{
    public bool Succeeded => Error is null;

    public static SignInResult Refused(Error error, TimeSpan retryAfter = default) => new(null, [], error, retryAfter);
}

/// <summary>
/// Signs a user in with email and password. Unknown addresses and wrong passwords get the same
/// answer after the same work (a password hash is checked either way); repeated failures slow
/// down only the source that makes them, for that address (<see cref="SignInThrottle"/>).
/// </summary>
public sealed class SignInUser(SignInManager<AppUser> signIn, IDbContextFactory<AppDbContext> dbFactory, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly Error WrongCredentials = new("unauthorized", "The email or password is wrong.");

    // A hash of a password nobody has, checked when the address has no account so both cases cost the same.
    private static readonly Lazy<string> DecoyHash = new(() => new PasswordHasher<AppUser>().HashPassword(new AppUser(), Convert.ToHexString(RandomNumberGenerator.GetBytes(16))));

    private static readonly string BlockSql = Sql.Named("Accounts/SignIn/SignInUser.sql", "Block");
    private static readonly string RecordFailureSql = Sql.Named("Accounts/SignIn/SignInUser.sql", "RecordFailure");

    public async Task<SignInResult> HandleAsync(SignInRequest request, CancellationToken ct = default)
    {
        var email = (request.Email ?? "").Trim();
        var password = request.Password ?? "";
        var key = KeyFor(email, request.Source);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var throttle = await db.SignInThrottles.AsNoTracking().FirstOrDefaultAsync(t => t.Key == key, ct);
        if (throttle is not null && throttle.BlockedUntil > now)
        {
            var wait = TimeSpan.FromSeconds(Math.Ceiling((throttle.BlockedUntil - now).TotalSeconds));
            var seconds = (int)wait.TotalSeconds;
            return SignInResult.Refused(new Error("too_many_attempts", $"Too many failed sign-ins for this address from here. Try again in {seconds} second{(seconds == 1 ? "" : "s")}."), wait);
        }

        var user = email.Length is > 0 and <= 256 ? await signIn.UserManager.FindByEmailAsync(email) : null;
        if (user is null)
        {
            signIn.UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), DecoyHash.Value, password);
            await RecordFailureAsync(key, now, ct);
            return SignInResult.Refused(WrongCredentials);
        }

        var checkedPassword = await signIn.CheckPasswordSignInAsync(user, password, lockoutOnFailure: false);
        if (!checkedPassword.Succeeded)
        {
            // A lock an admin set is told only to someone who knows the password.
            if (checkedPassword.IsLockedOut)
            {
                return SignInResult.Refused(new Error("locked", "This account is locked. Ask the platform's support to unlock it."));
            }

            await RecordFailureAsync(key, now, ct);
            return SignInResult.Refused(WrongCredentials);
        }

        await db.SignInThrottles.Where(t => t.Key == key).ExecuteDeleteAsync(ct);
        await signIn.SignInAsync(user, request.RememberMe);
        return new SignInResult(user, await signIn.UserManager.GetRolesAsync(user), null, TimeSpan.Zero);
    }

    private async Task RecordFailureAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        await using var command = Sql.Command(dataSource, RecordFailureSql, key, now, SignInDelays.Memory);
        var failures = (int)(await command.ExecuteScalarAsync(ct))!;
        var delay = SignInDelays.After(failures);
        if (delay > TimeSpan.Zero)
        {
            await using var block = Sql.Command(dataSource, BlockSql, key, now + delay);
            await block.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>The throttle's key: a hash of the address as Identity normalises it and the source.</summary>
    public static string KeyFor(string email, string source) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{email.Trim().ToUpperInvariant()}\n{source}")));
}
