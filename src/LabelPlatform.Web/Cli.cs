using LabelPlatform.Accounts;
using LabelPlatform.Data;
using LabelPlatform.Web.Seed;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web;

/// <summary>
/// One-shot commands run with the web app's configuration:
/// `migrate`, `seed-demo` (migrate, then seed), `create-admin EMAIL` (password from LP_ADMIN_PASSWORD),
/// `settle` (one settlement run now, as the daily job does).
/// </summary>
public static class Cli
{
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        var command = args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=') ? args[0] : null;
        if (command is null)
        {
            return false;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        switch (command)
        {
            case "migrate":
                await MigrateAsync(services);
                break;
            case "seed-demo":
                await MigrateAsync(services);
                await services.GetRequiredService<DemoSeeder>().SeedAsync(Console.Out);
                break;
            case "create-admin":
                await CreateAdminAsync(services, args.ElementAtOrDefault(1));
                break;
            case "settle":
                var result = await services.GetRequiredService<Billing.Settlement.SettlePayouts>().RunAsync();
                Console.WriteLine($"Settlement: {result.Started} payouts started, {result.Paid} paid, {result.Failed} refused, {result.StillPending} left pending.");
                break;
            default:
                throw new ArgumentException($"Unknown command '{command}'. Commands: migrate, seed-demo, create-admin EMAIL, settle.");
        }

        return true;
    }

    private static async Task MigrateAsync(IServiceProvider services)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        Console.WriteLine("Database schema is up to date.");
    }

    private static async Task CreateAdminAsync(IServiceProvider services, string? email)
    {
        var password = Environment.GetEnvironmentVariable("LP_ADMIN_PASSWORD");
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            throw new ArgumentException("Usage: LP_ADMIN_PASSWORD=... LabelPlatform.Web create-admin EMAIL");
        }

        var users = services.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, DisplayName = "Administrator", CreatedAt = DateTimeOffset.UtcNow };
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            result = await users.AddToRoleAsync(user, Roles.Admin);
        }

        Console.WriteLine(result.Succeeded ? $"Admin {email} created." : string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
