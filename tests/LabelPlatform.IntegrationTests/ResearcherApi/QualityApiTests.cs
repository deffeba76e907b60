using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts.ApiKeys;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;

namespace LabelPlatform.IntegrationTests.ResearcherApi;

/// <summary>A job's quality policy, its workers' gold records and its rejection reasons over the API, with the page's rules.</summary>
public class QualityApiTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task QualityPolicyAndRejectionReasons_ChangedOverTheApi_CheckedAsOnThePage_ReadKeyOnlyReads()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 1);

        var current = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job.Id}")).GetProperty("quality");
        var policy = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(current.GetRawText())!;
        policy["goldRate"] = JsonSerializer.SerializeToElement(0.2);
        using var changed = await api.PutAsJsonAsync($"/api/v1/jobs/{job.Id}/quality", policy);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(0.2, (await changed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("quality").GetProperty("goldRate").GetDouble());

        policy["goldRate"] = JsonSerializer.SerializeToElement(1.5);
        using var refused = await api.PutAsJsonAsync($"/api/v1/jobs/{job.Id}/quality", policy);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.EndsWith("/validation", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());

        using var reasons = await api.PutAsJsonAsync($"/api/v1/jobs/{job.Id}/rejection-reasons", new { reasons = new[] { " Wrong label ", "Blurry", "Blurry" } });
        Assert.Equal(["Wrong label", "Blurry"], (await reasons.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        using var tooMany = await api.PutAsJsonAsync($"/api/v1/jobs/{job.Id}/rejection-reasons", new { reasons = Enumerable.Range(1, 10).Select(i => $"reason {i}") });
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);

        var reader = factory.CreateApiClient((await factory.IssueKeyAsync(researcher, ApiKeyScope.Read)).Secret);
        Assert.Equal(["Wrong label", "Blurry"], (await reader.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job.Id}/rejection-reasons")).GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PutAsJsonAsync($"/api/v1/jobs/{job.Id}/rejection-reasons", new { reasons = new[] { "x" } })).StatusCode);
        Assert.Equal(JsonValueKind.Array, (await reader.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job.Id}/workers")).ValueKind);

        var (_, stranger) = await factory.ResearcherWithApiAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/v1/jobs/{job.Id}/workers")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync($"/api/v1/jobs/{job.Id}/rejection-reasons", new { reasons = new[] { "x" } })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.PutAsJsonAsync($"/api/v1/jobs/{job.Id}/quality", JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(current.GetRawText()))).StatusCode);
    }
}
