using LabelPlatform.Accounts.Email;
using LabelPlatform.Common;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Accounts.PasswordReset;

/// <summary>
/// Forgot password: a link by mail with a token that works once (it is tied to the account's
/// security stamp, which the reset changes) and for an hour (<see cref="TokenLifespan"/>). Asking
/// answers the same whether or not the address has an account, and the mail goes out in the
/// background. A reset ends the account's other sessions within the revalidation interval. Admins
/// send the same link from the users page.
/// </summary>
public sealed class PasswordReset(UserManager<AppUser> users, EmailOutbox outbox, IOptions<EmailOptions> email)
{
    public static readonly TimeSpan TokenLifespan = TimeSpan.FromHours(1);

    public const string Sent = "If an account uses that address, a link to choose a new password is on its way. It works once, for an hour.";

    public static readonly Error LinkNotValid = Error.Validation("This link has expired or was already used. Ask for a new one on the sign-in page.");

    /// <summary>Sends the link when the address has an account; always the same answer.</summary>
    public async Task<string> RequestAsync(string? address)
    {
        var user = string.IsNullOrWhiteSpace(address) || address.Length > 256 ? null : await users.FindByEmailAsync(address.Trim());
        if (user?.Email is { } to)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var link = $"{email.Value.PublicBaseUrl.TrimEnd('/')}/account/reset?email={Uri.EscapeDataString(to)}&token={Uri.EscapeDataString(token)}";
            outbox.Enqueue(new OutgoingEmail(
                to,
                "Choose a new LabelPlatform password",
                $"Someone (we hope you) asked to choose a new password for your LabelPlatform account.\n\n{link}\n\nThe link works once, for an hour. If it was not you, ignore this message: your password stays as it is."));
        }

        return Sent;
    }

    /// <summary>Sets the new password if the link's token is good; every other session of the account ends.</summary>
    public async Task<Error?> ResetAsync(string? address, string? token, string? password)
    {
        if (string.IsNullOrWhiteSpace(password) || password.Length > 256)
        {
            return Error.Validation($"Choose a password of at least {AccountsSetup.MinPasswordLength} characters.");
        }

        var user = string.IsNullOrWhiteSpace(address) || address.Length > 256 || string.IsNullOrEmpty(token) || token.Length > 4096
            ? null
            : await users.FindByEmailAsync(address.Trim());
        if (user is null)
        {
            return LinkNotValid;
        }

        var result = await users.ResetPasswordAsync(user, token!, password);
        if (result.Succeeded)
        {
            return null;
        }

        return result.Errors.Any(e => e.Code == "InvalidToken")
            ? LinkNotValid
            : Error.Validation(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
