using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>Roles given by hand, as an admin (or the seed) gives them.</summary>
public static class RoleSteps
{
    public static async Task GrantAsync(this LabelPlatformFactory factory, AppUser user, string role)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True((await users.AddToRoleAsync((await users.FindByIdAsync(user.Id))!, role)).Succeeded);
    }

    /// <summary>A new worker account that also holds <paramref name="role"/> (reviewers and admins start as workers).</summary>
    public static async Task<AppUser> SignUpWithRoleAsync(this LabelPlatformFactory factory, string role)
    {
        var user = await factory.SignUpAsync(AccountKind.Worker);
        await factory.GrantAsync(user, role);
        return user;
    }
}
