using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LabelPlatform.Accounts;

public static class AccountsSetup
{
    public const int MinPasswordLength = 12;

    public static IHostApplicationBuilder AddAccounts(this IHostApplicationBuilder builder)
    {
        builder.Services
            .AddIdentity<AppUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = MinPasswordLength;
                o.Password.RequireNonAlphanumeric = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireDigit = false;
                o.Password.RequiredUniqueChars = 4;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders();
        builder.Services.AddScoped<SignUp.SignUp>();
        builder.Services.AddScoped<SetReviewerRole>();
        return builder;
    }
}
