using System.Collections.Concurrent;
using LabelPlatform.Accounts.Email;
using LabelPlatform.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Accounts.EmailConfirmation;

/// <summary>The "Accounts" configuration section.</summary>
public sealed class AccountOptions
{
    public const string Section = "Accounts";

    /// <summary>Workers confirm their address by mail before they can take paid work (on by default; the demo turns it off).</summary>
    public bool RequireConfirmedEmail { get; set; } = true;
}

/// <summary>
/// Confirming an address: a link mailed at sign-up (and again on request) whose page confirms it
/// with a button, so a mail scanner that opens links confirms nothing. Until then a worker sees the
/// job feed but cannot take paid work, where <see cref="AccountOptions.RequireConfirmedEmail"/> is on.
/// </summary>
public sealed class EmailConfirmation(UserManager<AppUser> users, EmailOutbox outbox, IOptions<EmailOptions> email, IOptions<AccountOptions> accounts)
{
    // Confirmed stays confirmed: the workspace asks on every visit, the database once per worker and process.
    private static readonly ConcurrentDictionary<string, bool> Confirmed = new();

    public static readonly Error NotConfirmed = new(
        "email_not_confirmed", "Confirm your email address to take paid work: open the link we mailed you (the feed can send it again).");

    public static readonly Error LinkNotValid = Error.Validation("This confirmation link is not valid (or not for this address). Sign in and send a new one from the work feed.");

    public bool Required => accounts.Value.RequireConfirmedEmail;

    /// <summary>Whether this worker may take paid work now.</summary>
    public async Task<bool> MayTakePaidWorkAsync(string userId)
    {
        if (!Required || Confirmed.ContainsKey(userId))
        {
            return true;
        }

        var user = await users.FindByIdAsync(userId);
        if (user?.EmailConfirmed == true)
        {
            Confirmed[userId] = true;
            return true;
        }

        return false;
    }

    /// <summary>Mails the confirmation link (at sign-up, and when the worker asks again).</summary>
    public async Task SendAsync(AppUser user)
    {
        if (user.Email is not { } to || user.EmailConfirmed)
        {
            return;
        }

        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var link = $"{email.Value.PublicBaseUrl.TrimEnd('/')}/account/confirm?email={Uri.EscapeDataString(to)}&token={Uri.EscapeDataString(token)}";
        outbox.Enqueue(new OutgoingEmail(
            to,
            "Confirm your LabelPlatform address",
            $"Welcome to LabelPlatform. Confirm this address to take paid work:\n\n{link}\n\nIf you did not sign up, ignore this message."));
    }

    public async Task<Error?> ConfirmAsync(string? address, string? token)
    {
        var user = string.IsNullOrWhiteSpace(address) || address.Length > 256 || string.IsNullOrEmpty(token) || token.Length > 4096
            ? null
            : await users.FindByEmailAsync(address.Trim());
        if (user is null)
        {
            return LinkNotValid;
        }

        var result = await users.ConfirmEmailAsync(user, token!);
        return result.Succeeded ? null : LinkNotValid;
    }
}
