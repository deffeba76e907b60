using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignIn;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Api;

/// <summary>Sign-in tells nobody which addresses have accounts, and repeated failures slow down only their source.</summary>
public class SignInTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Login_UnknownAddressAndWrongPassword_SameAnswerAfterTheSameHashCheck()
    {
        var hasher = new CountingHasher();
        using var app = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(hasher)));
        var worker = await factory.SignUpAsync(AccountKind.Worker);

        var (real, realChecks) = await AttemptAsync(app, worker.Email!, "not-the-password-1", hasher);
        var (unknown, unknownChecks) = await AttemptAsync(app, $"nobody-{Guid.NewGuid():N}@example.test", "not-the-password-1", hasher);

        Assert.Equal(real, unknown);
        Assert.Equal((HttpStatusCode.Unauthorized, "The email or password is wrong."), (real.Status, real.Detail));
        Assert.Equal((1, 1), (realChecks, unknownChecks));
    }

    [Fact]
    public async Task Login_RepeatedFailuresFromOneSource_WaitThereOnlyAndTheAccountStaysOpenElsewhere()
    {
        using var app = factory.WithWebHostBuilder(SourceAddress.Use);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var unknown = $"nobody-{Guid.NewGuid():N}@example.test";
        using var attacker = Client(app, "198.51.100.66");

        foreach (var email in new[] { worker.Email!, unknown })
        {
            for (var attempt = 1; attempt <= SignInDelays.FreeFailures + 1; attempt++)
            {
                using var wrong = await attacker.PostAsJsonAsync("/api/account/login", Body(email, $"guess-{attempt}"));
                Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            }

            // The sixth failure earned a wait: from there, even the right password waits, for either kind of address.
            using var waiting = await attacker.PostAsJsonAsync("/api/account/login", Body(email, LabelPlatformFactory.Password));
            Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
            Assert.InRange(int.Parse(waiting.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 2);
            Assert.Contains("Try again in", (await waiting.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString());
            Assert.False(waiting.Headers.Contains("Set-Cookie"));
        }

        // The worker, elsewhere, signs in at once: nobody can lock them out.
        using var owner = Client(app, "203.0.113.10");
        using var signedIn = await owner.PostAsJsonAsync("/api/account/login", Body(worker.Email!, LabelPlatformFactory.Password));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
    }

    [Fact]
    public async Task Logout_WithoutTheSitesToken_RefusedAndStillSignedIn_WithItSignedOut()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        using var browser = await factory.SignInAsync(researcher);
        var someJob = $"/api/jobs/{Guid.NewGuid()}/results.csv";

        // What a form on another site can send: the cookie, but no token.
        using var forged = await browser.PostAsync("/api/account/logout", new FormUrlEncodedContent([]));
        using var forgedJson = await browser.PostAsJsonAsync("/api/account/logout", new { });
        using var stillIn = await browser.GetAsync(someJob);

        var token = (await browser.GetFromJsonAsync<JsonElement>("/api/account/antiforgery")).GetProperty("token").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/account/logout") { Content = JsonContent.Create(new { }) };
        request.Headers.Add("RequestVerificationToken", token);
        using var logout = await browser.SendAsync(request);
        using var signedOut = await browser.GetAsync(someJob);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (forged.StatusCode, forgedJson.StatusCode));
        Assert.Equal(HttpStatusCode.NotFound, stillIn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, signedOut.StatusCode);
    }

    [Theory]
    [InlineData(5, 0)]
    [InlineData(6, 1)]
    [InlineData(7, 2)]
    [InlineData(10, 16)]
    [InlineData(15, 512)]
    [InlineData(16, 900)]
    [InlineData(1000, 900)]
    public void Delay_GrowsAfterTheFreeFailuresUpToFifteenMinutes(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SignInDelays.After(failures));

    private static object Body(string email, string password) => new { email, password, rememberMe = false };

    private static HttpClient Client<TEntry>(WebApplicationFactory<TEntry> app, string source)
        where TEntry : class
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add(SourceAddress.Header, source);
        return client;
    }

    private static async Task<((HttpStatusCode Status, string? Title, string? Detail) Answer, int HashChecks)> AttemptAsync<TEntry>(
        WebApplicationFactory<TEntry> app, string email, string password, CountingHasher hasher)
        where TEntry : class
    {
        using var client = app.CreateClient();
        var before = hasher.Verifications;
        using var response = await client.PostAsJsonAsync("/api/account/login", Body(email, password));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return ((response.StatusCode, problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString()), hasher.Verifications - before);
    }

    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _verifications;

        public int Verifications => Volatile.Read(ref _verifications);

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verifications);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
