using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration;
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
                // Failed passwords slow down their source (SignInThrottle) instead of locking the
                // account, which anyone could otherwise do to anyone; an admin's lock still holds.
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = int.MaxValue;
                o.User.RequireUniqueEmail = true;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddDefaultTokenProviders();
        builder.Services.AddScoped<SignUp.SignUp>();
        builder.Services.AddScoped<SetReviewerRole>();
        builder.Services.AddScoped<LockAccount>();
        builder.Services.AddTransient<ListUsers.ListUsers>();
        builder.Services.AddTransient<ListUsers.ListOrganisations>();
        builder.Services.AddTransient<FindUserOrganisation>();
        builder.Services.AddTransient<ListUsers.FindAccount>();
        builder.Services.AddTransient<ApiKeys.IssueApiKey>();
        builder.Services.AddTransient<ApiKeys.RevokeApiKey>();
        builder.Services.AddTransient<ApiKeys.ListApiKeys>();
        builder.Services.AddTransient<ApiKeys.AuthenticateApiKey>();
        builder.Services.AddTransient<ApiKeys.IdempotentRequests>();
        builder.Services.AddScoped<SignIn.SignInUser>();
        builder.Services.AddScoped<PasswordReset.PasswordReset>();
        builder.Services.AddScoped<EmailConfirmation.EmailConfirmation>();
        builder.Services.Configure<EmailConfirmation.AccountOptions>(builder.Configuration.GetSection(EmailConfirmation.AccountOptions.Section));
        builder.Services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = PasswordReset.PasswordReset.TokenLifespan);
        builder.Services.Configure<Email.EmailOptions>(builder.Configuration.GetSection(Email.EmailOptions.Section));
        builder.Services.AddSingleton<Email.EmailOutbox>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Email.EmailOutbox>());
        return builder;
    }
}
