using System.Net;
using System.Net.Http.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Api;

/// <summary>Over a limit: 429 with Retry-After, and nothing done.</summary>
public class RateLimitTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task SignUp_OverTheHourlyLimitFromOneAddress_429AndNoAccountMade()
    {
        using var app = factory.WithWebHostBuilder(b => b.UseSetting("RateLimits:SignUpPerHour", "2"));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var emails = Enumerable.Range(0, 3).Select(i => $"bulk-{i}-{Guid.NewGuid():N}@example.test").ToList();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        foreach (var email in emails)
        {
            last?.Dispose();
            last = await client.PostAsJsonAsync("/api/account/signup", new { email, password = "long-enough-password", displayName = "Bulk", kind = "Worker" });
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<LabelPlatform.Accounts.AppUser>>();
        Assert.Null(await users.FindByEmailAsync(emails[2]));
        last.Dispose();
    }

    [Fact]
    public async Task SignIn_OverTheLimitPerMinute_429EvenWithTheRightPassword()
    {
        using var app = factory.WithWebHostBuilder(b => b.UseSetting("RateLimits:SignInPerMinute", "3"));
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/account/login", new { email = worker.Email, password = i < 3 ? "not-it-at-all" : LabelPlatformFactory.Password, rememberMe = false });
            statuses.Add(response.StatusCode);
            if (i == 3)
            {
                Assert.True(response.Headers.Contains("Retry-After"));
                Assert.False(response.Headers.Contains("Set-Cookie"));
            }
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
    }

    [Theory]
    [InlineData("/hubs/queue/negotiate?negotiateVersion=1")]
    [InlineData("/_blazor/negotiate?negotiateVersion=1")]
    public async Task LiveConnections_OverTheLimitPerMinute_429(string negotiate)
    {
        using var app = factory.WithWebHostBuilder(b => b.UseSetting("RateLimits:ConnectionsPerMinute", "2"));
        using var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false, AllowAutoRedirect = false });

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync(negotiate, null);
            statuses.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(2));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[2]);
    }
}
