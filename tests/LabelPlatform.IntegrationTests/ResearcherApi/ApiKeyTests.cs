using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts.ApiKeys;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.ResearcherApi;

/// <summary>Who may call the API: a live key of a researcher still in the organisation, within its scope, within its rate.</summary>
public class ApiKeyTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static readonly object ValidJob = new { name = "Signs", kind = "ImageClassification", labels = new[] { "round", "square" }, answersPerItem = 2, pricePerAnswer = 5 };

    [Fact]
    public async Task Request_WithoutKey_401BearerChallengeAndStableProblemType()
    {
        using var anonymous = factory.CreateApiClient(null);

        using var response = await anonymous.GetAsync("/api/v1/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        var problem = await ProblemAsync(response);
        Assert.Equal("/api/problems/unauthorized", problem.GetProperty("type").GetString());
        Assert.Contains("Authorization: Bearer", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("lp_not-a-key-we-ever-issued-0000000000000000000")]
    [InlineData("something-else")]
    public async Task Request_WithAKeyWeNeverIssued_401(string secret)
    {
        using var api = factory.CreateApiClient(secret);

        using var response = await api.GetAsync("/api/v1/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not valid", (await ProblemAsync(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignedInResearcher_CookieAlone_DoesNotCallTheApi()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        using var browser = await factory.SignInAsync(researcher);

        using var response = await browser.GetAsync("/api/v1/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Key_IsStoredOnlyAsItsHash_AndItsLastUseIsRecorded()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var issued = await factory.IssueKeyAsync(researcher, ApiKeyScope.Read);
        using var api = factory.CreateApiClient(issued.Secret);

        using var response = await api.GetAsync("/api/v1/jobs");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var db = await Db();
        var row = await db.ApiKeys.SingleAsync(k => k.Id == issued.Key.Id);
        Assert.Equal(IssueApiKey.Hash(issued.Secret), row.SecretHash);
        Assert.DoesNotContain(issued.Secret, $"{row.Name}|{row.Hint}|{row.SecretHash}", StringComparison.Ordinal);
        Assert.StartsWith(row.Hint, issued.Secret, StringComparison.Ordinal);
        Assert.NotNull(row.LastUsedAt);
    }

    [Fact]
    public async Task RevokedKey_IsRefusedFromTheNextRequest()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var issued = await factory.IssueKeyAsync(researcher);
        using var api = factory.CreateApiClient(issued.Secret);
        using (var before = await api.GetAsync("/api/v1/jobs"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        var revoked = await factory.Services.GetRequiredService<RevokeApiKey>().HandleAsync(researcher.Id, issued.Key.Id);

        Assert.True(revoked.IsSuccess);
        using var after = await api.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Revoke_AnotherOrganisationsKey_NotFoundAndTheKeyStillWorks()
    {
        var owner = await factory.SignUpAsync(AccountKind.Researcher);
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);
        var issued = await factory.IssueKeyAsync(owner);

        var revoked = await factory.Services.GetRequiredService<RevokeApiKey>().HandleAsync(stranger.Id, issued.Key.Id);

        Assert.Equal("not_found", revoked.Error?.Code);
        using var api = factory.CreateApiClient(issued.Secret);
        using var response = await api.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Key_OfAResearcherWhoLeftTheOrganisation_StopsWorking()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var issued = await factory.IssueKeyAsync(researcher);
        await using (var db = await Db())
        {
            await db.Users.Where(u => u.Id == researcher.Id).ExecuteUpdateAsync(s => s.SetProperty(u => u.OrganisationId, (Guid?)null));
        }

        using var api = factory.CreateApiClient(issued.Secret);
        using var response = await api.GetAsync("/api/v1/jobs");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ReadKey_Create_403InsufficientScopeAndNoJob()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        using var api = factory.CreateApiClient((await factory.IssueKeyAsync(researcher, ApiKeyScope.Read)).Secret);

        using var response = await api.PostAsJsonAsync("/api/v1/jobs", ValidJob);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("/api/problems/insufficient_scope", (await ProblemAsync(response)).GetProperty("type").GetString());
        await using var db = await Db();
        Assert.False(await db.Jobs.AnyAsync(j => j.OrganisationId == researcher.OrganisationId));
    }

    [Fact]
    public async Task Issue_WithoutAName_RefusedWithTheReason()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);

        var issued = await factory.Services.GetRequiredService<IssueApiKey>().HandleAsync(researcher.Id, "  ", ApiKeyScope.Read);

        Assert.Equal("validation", issued.Error?.Code);
    }

    [Fact]
    public async Task Issue_ByAWorker_Refused()
    {
        var worker = await factory.SignUpAsync(AccountKind.Worker);

        var issued = await factory.Services.GetRequiredService<IssueApiKey>().HandleAsync(worker.Id, "mine", ApiKeyScope.Write);

        Assert.Equal("forbidden", issued.Error?.Code);
    }

    [Fact]
    public async Task Requests_OverTheKeysRatePerMinute_429WithRetryAfter_OtherKeysUnaffected()
    {
        using var app = factory.WithWebHostBuilder(b => b.UseSetting("RateLimits:ApiPerMinute", "3"));
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        using var busy = app.CreateApiClient((await factory.IssueKeyAsync(researcher)).Secret);
        using var other = app.CreateApiClient((await factory.IssueKeyAsync(researcher)).Secret);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last?.Dispose();
            last = await busy.GetAsync("/api/v1/jobs");
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(int.Parse(last!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("/api/problems/rate_limited", (await ProblemAsync(last)).GetProperty("type").GetString());
        last.Dispose();
        using var fresh = await other.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    private async Task<AppDbContext> Db() => await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
