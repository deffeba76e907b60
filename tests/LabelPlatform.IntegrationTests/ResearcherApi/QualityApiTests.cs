using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts.ApiKeys;
using LabelPlatform.Demo;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Prefilter;
using LabelPlatform.Testing;
using LabelPlatform.Web.Seed;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task Prefilter_StartedOverTheApi_RunsInTheBackground_ItsResultRead()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        var digits = DigitImages.Read(ReviewData.SeedData("digits.csv.gz")).Take(20).ToList();
        var job = await factory.CreateJobAsync(researcher, answersPerItem: 1, labels: ReviewData.Digits);
        using (var zip = DigitImages.ZipOf(digits, digits.Count))
        {
            Assert.True((await factory.ImportAsync(job, zip)).Succeeded);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/jobs/{job.Id}/prefilter")).StatusCode);
        using var noModel = await api.PostAsJsonAsync($"/api/v1/jobs/{job.Id}/prefilter", new { threshold = 0.9 });
        Assert.Equal(HttpStatusCode.Conflict, noModel.StatusCode);

        var model = await factory.Services.GetRequiredService<RegisterModel>().HandleAsync(
            job.Id, job.OrganisationId, researcher.Id, "digits.onnx", File.ReadAllBytes(ReviewData.SeedData("models/digits-mlp.onnx")), DemoSeeder.DigitsModel);
        Assert.True(model.IsSuccess, model.Error?.Message);
        using var started = await api.PostAsJsonAsync($"/api/v1/jobs/{job.Id}/prefilter", new { threshold = 0.9, auditShare = 0.1, machineLabels = true });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var run = await started.Content.ReadFromJsonAsync<JsonElement>();
        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(Guid.Parse(run.GetProperty("id").GetString()!), CancellationToken.None);

        var done = await api.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{job.Id}/prefilter");
        Assert.Equal(("completed", 20, 100.0), (done.GetProperty("status").GetString(), done.GetProperty("done").GetInt32(), done.GetProperty("percent").GetDouble()));
        Assert.Equal(20, done.GetProperty("machineLabelled").GetInt32() + done.GetProperty("sentToPeople").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsJsonAsync($"/api/v1/jobs/{job.Id}/prefilter", new { threshold = 1.5 })).StatusCode);
    }

    [Fact]
    public async Task ReviewModel_UploadedOverTheApi_WithItsDescriptor_BadFilesRefused()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        var digits = DigitImages.Read(ReviewData.SeedData("digits.csv.gz")).Take(10).ToList();
        var job = await factory.CreateJobAsync(researcher, answersPerItem: 1, labels: ReviewData.Digits);
        using (var zip = DigitImages.ZipOf(digits, digits.Count))
        {
            Assert.True((await factory.ImportAsync(job, zip)).Succeeded);
        }

        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };
        MultipartFormDataContent Form(string? descriptor, byte[] model)
        {
            var form = new MultipartFormDataContent();
            if (descriptor is not null)
            {
                form.Add(new StringContent(descriptor), "descriptor");
            }

            form.Add(new ByteArrayContent(model), "model", "digits.onnx");
            return form;
        }

        var onnx = File.ReadAllBytes(ReviewData.SeedData("models/digits-mlp.onnx"));
        using var uploaded = await api.PostAsync($"/api/v1/jobs/{job.Id}/model", Form(JsonSerializer.Serialize(DemoSeeder.DigitsModel, options), onnx));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var model = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((1, "classification"), (model.GetProperty("version").GetInt32(), model.GetProperty("kind").GetString()));

        using var garbage = await api.PostAsync($"/api/v1/jobs/{job.Id}/model", Form(JsonSerializer.Serialize(DemoSeeder.DigitsModel, options), "not an onnx model"u8.ToArray()));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, garbage.StatusCode);
        Assert.EndsWith("/invalid_model", (await garbage.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("type").GetString());
        using var noDescriptor = await api.PostAsync($"/api/v1/jobs/{job.Id}/model", Form(null, onnx));
        Assert.Equal(HttpStatusCode.BadRequest, noDescriptor.StatusCode);
        using var badDescriptor = await api.PostAsync($"/api/v1/jobs/{job.Id}/model", Form("{\"kind\": 17, ", onnx));
        Assert.Equal(HttpStatusCode.BadRequest, badDescriptor.StatusCode);
    }
}
