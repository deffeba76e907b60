using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Queue.Files;
using LabelPlatform.Testing;
using LabelPlatform.Web.Health;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Api;

public class AccountAndFilesApiTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task SignUp_ValidWorker_SignsInAndSendsToTheTaskFeed()
    {
        using var browser = factory.CreateBrowser();
        var email = $"new-{Guid.NewGuid():N}@example.test";

        using var response = await browser.PostAsJsonAsync("/api/account/signup", SignUpBody(email, "twelve-chars", "Worker"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/work", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("redirect").GetString());
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("labelplatform.auth=", StringComparison.Ordinal));
        using var again = await factory.CreateBrowser().LoginAsync(email, "twelve-chars");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task SignUp_ElevenCharacterPassword_IsRejectedWithTheMinimumLength()
    {
        using var browser = factory.CreateBrowser();
        var email = $"short-{Guid.NewGuid():N}@example.test";

        using var response = await browser.PostAsJsonAsync("/api/account/signup", SignUpBody(email, "eleven-char", "Researcher", "Short Lab"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("12 characters", problem.GetProperty("detail").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        using var login = await factory.CreateBrowser().LoginAsync(email, "eleven-char");
        Assert.Equal(HttpStatusCode.Unauthorized, login.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPassword_IsUnauthorized()
    {
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        using var browser = factory.CreateBrowser();

        using var response = await browser.LoginAsync(worker.Email!, LabelPlatformFactory.Password + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("email or password is wrong", problem.GetProperty("detail").GetString());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task ItemFile_ResearcherByItemId_WorkerOnlyByTheSealedLinkOfTheirOwnAssignment()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateRunningJobAsync(researcher, items: 2);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var claim = await factory.ClaimAsync(job, worker);
        Assert.True(claim.IsSuccess, claim.Error?.Message);
        var link = factory.Services.GetRequiredService<AssignmentFiles>().LinkFor(claim.Value!.AssignmentId, 1600);

        using (var browser = await factory.SignInAsync(researcher))
        using (var response = await browser.GetAsync($"/items/{claim.Value.ItemId}/file"))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TestZips.Digit(0), await response.Content.ReadAsByteArrayAsync());
        }

        // The worker's page names the assignment, sealed: the item's id opens nothing for a worker.
        using var own = await factory.SignInAsync(worker);
        using (var byItem = await own.GetAsync($"/items/{claim.Value.ItemId}/file"))
        {
            Assert.Equal(HttpStatusCode.NotFound, byItem.StatusCode);
        }

        Assert.DoesNotContain(claim.Value.ItemId.ToString("N"), link);
        Assert.DoesNotContain(claim.Value.AssignmentId.ToString("N"), link);
        using (var byLink = await own.GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.OK, byLink.StatusCode);
            Assert.Equal("image/jpeg", byLink.Content.Headers.ContentType?.MediaType);
            Assert.Null(byLink.Headers.ETag);
            Assert.Contains("private", byLink.Headers.CacheControl?.ToString());
            using var bitmap = SkiaSharp.SKBitmap.Decode(await byLink.Content.ReadAsByteArrayAsync());
            using var original = SkiaSharp.SKBitmap.Decode(TestZips.Digit(0));
            Assert.Equal((original.Width, original.Height), (bitmap.Width, bitmap.Height));
        }

        // Found in a forum: another worker's link, or one changed by a character, is not found.
        using var other = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Worker));
        using (var shared = await other.GetAsync(link))
        {
            Assert.Equal(HttpStatusCode.NotFound, shared.StatusCode);
        }

        var token = link["/work/files/".Length..link.IndexOf('?')];
        var tampered = $"/work/files/{TokenLinks.Tampered(token, at: 10)}";
        using (var changed = await own.GetAsync(tampered))
        {
            Assert.Equal(HttpStatusCode.NotFound, changed.StatusCode);
        }
    }

    [Fact]
    public async Task ItemFile_WorkerWhoNeverClaimedItAndOtherOrganisation_GetNotFound()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2);
        var items = await factory.ItemsAsync(job.Id);
        var claimer = await factory.SignUpAsync(AccountKind.Worker);
        Assert.Equal(items[0].Id, (await factory.ClaimAsync(job, claimer)).Value!.ItemId);
        var bystander = await factory.SignUpAsync(AccountKind.Worker);
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);

        foreach (var (user, itemId) in new[] { (bystander, items[0].Id), (stranger, items[0].Id), (claimer, items[1].Id) })
        {
            using var browser = await factory.SignInAsync(user);
            using var response = await browser.GetAsync($"/items/{itemId}/file");

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.NotEqual("image/png", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task ItemFile_WorkerWhoseLeaseRanOutOrWhoAnswered_LinkOpensNothing()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2, answersPerItem: 1);
        var late = await factory.SignUpAsync(AccountKind.Worker);
        var done = await factory.SignUpAsync(AccountKind.Worker);
        var links = factory.Services.GetRequiredService<AssignmentFiles>();
        var expired = (await factory.ClaimAsync(job, late)).Value!;
        var expiredLink = links.LinkFor(expired.AssignmentId, 1600);
        await factory.ExpireLeaseAsync(expired.AssignmentId);
        var answered = (await factory.ClaimAsync(job, done)).Value!;
        var answeredLink = links.LinkFor(answered.AssignmentId, 1600);
        Assert.True((await factory.SubmitAsync(answered, done, "cat")).IsSuccess);

        foreach (var (user, link) in new[] { (late, expiredLink), (done, answeredLink) })
        {
            using var browser = await factory.SignInAsync(user);
            using var response = await browser.GetAsync(link);

            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task ItemFile_WiderThanAskedFor_ServedResizedAndCachedPrivately()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher);
        using (var zip = TestZips.Build(("coins.png", await File.ReadAllBytesAsync(TestZips.DataPath("coins.png")))))
        {
            Assert.True((await factory.ImportAsync(job, zip)).Succeeded);
        }

        var item = (await factory.ItemsAsync(job.Id)).Single();
        using var browser = await factory.SignInAsync(researcher);

        foreach (var (asked, width, height) in new[] { (300, 320, 252), (300, 320, 252), (1600, 384, 303) })
        {
            using var response = await browser.GetAsync($"/items/{item.Id}/file?w={asked}");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("private", response.Headers.CacheControl?.ToString());
            using var bitmap = SkiaSharp.SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
            Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        }
    }

    [Fact]
    public async Task HealthProbes_Anonymous_AnswerOnlyTheStatus()
    {
        using var client = factory.CreateClient();

        using var live = await client.GetAsync(HealthEndpoints.Live);
        using var ready = await client.GetAsync(HealthEndpoints.Ready);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (live.StatusCode, ready.StatusCode));
        foreach (var response in new[] { live, ready })
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Healthy", body.GetProperty("status").GetString());
            Assert.Equal(["status"], body.EnumerateObject().Select(p => p.Name));
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(Environment.MachineName, text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task HealthDetails_OnlyForAdmins_ReportTheDatabaseAsJson()
    {
        using var anonymous = await factory.CreateBrowser().GetAsync(HealthEndpoints.Details);
        using var worker = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Worker));
        using var asWorker = await worker.GetAsync(HealthEndpoints.Details);
        using var admin = await factory.SignInAsync(await factory.SignUpWithRoleAsync(Roles.Admin));
        using var response = await admin.GetAsync(HealthEndpoints.Details);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (anonymous.StatusCode, asWorker.StatusCode));
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var database = body.GetProperty("checks").GetProperty("database");
        Assert.Equal("Healthy", database.GetProperty("status").GetString());
        Assert.Equal(0, database.GetProperty("data").GetProperty("pending_migrations").GetInt32());
    }

    private static object SignUpBody(string email, string password, string kind, string? organisationName = null) =>
        new { email, password, displayName = "New Person", kind, organisationName };
}
