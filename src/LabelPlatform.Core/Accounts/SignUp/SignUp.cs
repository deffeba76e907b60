using LabelPlatform.Common;
using LabelPlatform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Accounts.SignUp;

public enum AccountKind
{
    Worker,
    Researcher,
}

public sealed record SignUpRequest(string Email, string Password, string DisplayName, AccountKind Kind, string? OrganisationName);

/// <summary>Creates a worker, or a researcher together with their organisation, in one transaction.</summary>
public sealed class SignUp(UserManager<AppUser> users, AppDbContext db, EmailConfirmation.EmailConfirmation confirmation, TimeProvider clock)
{
    public async Task<Result<AppUser>> HandleAsync(SignUpRequest request, CancellationToken ct = default)
    {
        var displayName = request.DisplayName?.Trim() ?? "";
        if (displayName.Length is 0 or > 100)
        {
            return Error.Validation("Display name is required (at most 100 characters).");
        }

        var orgName = request.OrganisationName?.Trim() ?? "";
        if (request.Kind == AccountKind.Researcher && orgName.Length is 0 or > 200)
        {
            return Error.Validation("Researchers need an organisation name (at most 200 characters).");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var now = clock.GetUtcNow();
        var user = new AppUser
        {
            UserName = request.Email?.Trim(),
            Email = request.Email?.Trim(),
            DisplayName = displayName,
            CreatedAt = now,
        };

        if (request.Kind == AccountKind.Researcher)
        {
            var organisation = new Organisation { Id = Guid.CreateVersion7(), Name = orgName, CreatedAt = now };
            db.Organisations.Add(organisation);
            await db.SaveChangesAsync(ct);
            user.OrganisationId = organisation.Id;
        }

        var created = await users.CreateAsync(user, request.Password ?? "");
        if (!created.Succeeded)
        {
            return Error.Validation(string.Join(" ", created.Errors.Select(e => e.Description)));
        }

        var role = request.Kind == AccountKind.Researcher ? Roles.Researcher : Roles.Worker;
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded)
        {
            throw new InvalidOperationException($"Role {role} could not be granted: {string.Join(" ", added.Errors.Select(e => e.Description))}");
        }

        await tx.CommitAsync(ct);

        // The address is confirmed by a mailed link (workers need it before paid work).
        await confirmation.SendAsync(user);
        return user;
    }
}
