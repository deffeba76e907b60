using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using LabelPlatform.Web.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Api;

/// <summary>A role change takes effect in open sessions and live pages; a lock ends them.</summary>
public class SessionRevalidationTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Cookie_RoleGrantedThenAccountLocked_NewRoleWithoutSigningInThenSessionEnds()
    {
        // Checked on every request here; every minute in production.
        using var app = factory.WithWebHostBuilder(b => b.UseSetting("Auth:RevalidateSeconds", "0"));
        var user = await factory.SignUpAsync(AccountKind.Worker);
        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        using (var login = await browser.PostAsJsonAsync("/api/account/login", new { email = user.Email, password = LabelPlatformFactory.Password, rememberMe = false }))
        {
            Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        }

        var researchersOnly = $"/api/jobs/{Guid.NewGuid()}/results.csv";
        using var before = await browser.GetAsync(researchersOnly);
        await factory.GrantAsync(user, Roles.Researcher);

        using var granted = await browser.GetAsync(researchersOnly);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<LockAccount>().HandleAsync(user.Id, locked: true));
        }

        using var locked = await browser.GetAsync(researchersOnly);
        using var again = await app.CreateClient().PostAsJsonAsync("/api/account/login", new { email = user.Email, password = LabelPlatformFactory.Password, rememberMe = false });

        Assert.Equal(HttpStatusCode.Forbidden, before.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, granted.StatusCode); // past authorization: no such job
        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, again.StatusCode);
        Assert.Contains("locked", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LivePage_MadeReviewerThenLocked_SeesTheRoleThenIsSignedOut()
    {
        var user = await factory.SignUpAsync(AccountKind.Worker);
        await using var circuit = factory.Services.CreateAsyncScope();
        var state = Assert.IsType<RevalidatingAuthenticationState>(circuit.ServiceProvider.GetRequiredService<AuthenticationStateProvider>());
        var users = circuit.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var principal = await circuit.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync((await users.FindByIdAsync(user.Id))!);
        state.SetAuthenticationState(Task.FromResult(new AuthenticationState(principal)));

        await using (var admin = factory.Services.CreateAsyncScope())
        {
            Assert.Null(await admin.ServiceProvider.GetRequiredService<SetReviewerRole>().HandleAsync(user.Id, reviewer: true));
        }

        Assert.True(await state.RevalidateAsync((await state.GetAuthenticationStateAsync()).User));
        Assert.True((await state.GetAuthenticationStateAsync()).User.IsInRole(Roles.Reviewer));

        await using (var admin = factory.Services.CreateAsyncScope())
        {
            Assert.Null(await admin.ServiceProvider.GetRequiredService<LockAccount>().HandleAsync(user.Id, locked: true));
        }

        Assert.False(await state.RevalidateAsync((await state.GetAuthenticationStateAsync()).User));
    }
}
