using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.ResearcherApi;

/// <summary>A researcher's pipeline over the API: the same rules and results as the pages.</summary>
public class JobsApiTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static object Job(string name = "Signs", params string[] labels) =>
        new { name, instructions = "Pick the shape.", kind = "ImageClassification", labels = labels.Length > 0 ? labels : new[] { "cat", "dog", "bird" }, answersPerItem = 2, pricePerAnswer = 5, quality = LabelPlatform.Quality.Gold.QualityPolicy.FixedOverlap };

    [Fact]
    public async Task Pipeline_CreateUploadLaunchAnswerProgressItemsResultsCancel_AllOverTheApi()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        await factory.FundAsync(researcher.OrganisationId!.Value);

        using var created = await api.PostAsJsonAsync("/api/v1/jobs", Job());
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var job = await created.Content.ReadFromJsonAsync<JsonElement>();
        var jobId = job.GetProperty("id").GetGuid();
        Assert.Equal($"/api/v1/jobs/{jobId}", created.Headers.Location?.OriginalString);
        Assert.Equal("Draft", job.GetProperty("status").GetString());

        using var uploaded = await api.PostAsync($"/api/v1/jobs/{jobId}/items", ZipForm(TestZips.Images(3)));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        Assert.Equal(3, (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("itemsAdded").GetInt32());

        using var launched = await api.PostAsync($"/api/v1/jobs/{jobId}/launch", null);
        Assert.Equal(HttpStatusCode.OK, launched.StatusCode);
        Assert.Equal("Running", (await launched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var entity = await factory.Services.GetRequiredService<LabelPlatform.Jobs.ListJobs.FindOrganisationJob>().HandleAsync(jobId, researcher.OrganisationId);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        await factory.AnswerNextAsync(entity!, worker, "dog");

        var progress = await api.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}/progress");
        Assert.Equal(3, progress.GetProperty("items").GetInt32());
        Assert.Equal(1, progress.GetProperty("answers").GetInt32());
        Assert.Equal(6, progress.GetProperty("answersNeeded").GetInt32());
        var cost = progress.GetProperty("cost");
        Assert.Equal("USD", cost.GetProperty("currency").GetString());
        Assert.True(cost.GetProperty("escrowed").GetInt64() > 0, cost.ToString());

        var items = await api.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}/items");
        Assert.Equal(3, items.GetProperty("data").GetArrayLength());
        var answered = items.GetProperty("data").EnumerateArray().Single(i => i.GetProperty("answers").GetInt32() == 1);
        Assert.Equal("in_progress", answered.GetProperty("status").GetString());

        var item = await api.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}/items/{answered.GetProperty("id").GetGuid()}");
        var answer = item.GetProperty("answers").EnumerateArray().Single();
        Assert.Equal(["dog"], answer.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var pseudonym = answer.GetProperty("worker").GetString()!;
        Assert.StartsWith("w_", pseudonym, StringComparison.Ordinal);
        Assert.DoesNotContain(worker.Id, item.ToString(), StringComparison.Ordinal);

        var csv = await api.GetStringAsync($"/api/v1/jobs/{jobId}/export?format=csv");
        Assert.Equal(4, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var balanceBefore = await AvailableAsync(api);
        using var cancelled = await api.PostAsync($"/api/v1/jobs/{jobId}/cancel", null);
        Assert.Equal("Cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.True(await AvailableAsync(api) > balanceBefore, "Cancelling returns the unspent budget to the balance.");
    }

    [Fact]
    public async Task Create_WithBadFields_400NamesEachField()
    {
        var (_, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;

        using var response = await api.PostAsJsonAsync("/api/v1/jobs", new { name = "", kind = "ImageClassification", labels = new[] { "only" }, answersPerItem = 0, pricePerAnswer = 5 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await ApiKeyTests.ProblemAsync(response);
        Assert.Equal("/api/problems/validation", problem.GetProperty("type").GetString());
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "Name", "Labels", "AnswersPerItem" }, fields);
    }

    [Fact]
    public async Task Create_WithABodyThatIsNotJson_400MalformedRequest()
    {
        var (_, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;

        using var response = await api.PostAsync("/api/v1/jobs", new StringContent("{ name: ", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("/api/problems/malformed_request", (await ApiKeyTests.ProblemAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Create_TwiceWithOneIdempotencyKey_OneJobAndTheSameAnswer_AnotherBodyRefused()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        var key = Guid.NewGuid().ToString();

        using var first = await SendAsync(api, Job("Once"), key);
        using var retry = await SendAsync(api, Job("Once"), key);
        using var other = await SendAsync(api, Job("Something else"), key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, retry.Headers.Location);
        Assert.Equal(
            (await first.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid(),
            (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, other.StatusCode);
        Assert.Equal("/api/problems/idempotency_key_reused", (await ApiKeyTests.ProblemAsync(other)).GetProperty("type").GetString());
        await using var db = await Db();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.OrganisationId == researcher.OrganisationId));
    }

    [Fact]
    public async Task Create_ConcurrentRetriesWithOneKey_OneJob()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        var key = Guid.NewGuid().ToString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => SendAsync(api, Job("Raced"), key)));

        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.Created or HttpStatusCode.Conflict, r.StatusCode.ToString()));
        await using var db = await Db();
        Assert.Equal(1, await db.Jobs.CountAsync(j => j.OrganisationId == researcher.OrganisationId));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Edit_BeforeLaunch_Changes_AfterItems_KeepsLabels_AfterLaunch_Conflict()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        await factory.FundAsync(researcher.OrganisationId!.Value);
        var jobId = (await (await api.PostAsJsonAsync("/api/v1/jobs", Job("Draft name"))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var renamed = await api.PutAsJsonAsync($"/api/v1/jobs/{jobId}", Job("Better name", "cat", "dog"));
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal("Better name", (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("name").GetString());

        (await api.PostAsync($"/api/v1/jobs/{jobId}/items", ZipForm(TestZips.Images(2)))).Dispose();
        using var relabelled = await api.PutAsJsonAsync($"/api/v1/jobs/{jobId}", Job("Better name", "cat", "dog", "fox"));
        Assert.Equal(HttpStatusCode.Conflict, relabelled.StatusCode);

        (await api.PostAsync($"/api/v1/jobs/{jobId}/launch", null)).Dispose();
        using var late = await api.PutAsJsonAsync($"/api/v1/jobs/{jobId}", Job("Too late", "cat", "dog"));
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Equal("/api/problems/conflict", (await ApiKeyTests.ProblemAsync(late)).GetProperty("type").GetString());
        var job = await api.GetFromJsonAsync<JsonElement>($"/api/v1/jobs/{jobId}");
        Assert.Equal("Better name", job.GetProperty("name").GetString());
        Assert.Equal(["cat", "dog"], job.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
    }

    [Fact]
    public async Task List_PagesWithTheCursor_EveryJobOnceNewestFirst()
    {
        var (_, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        for (var i = 0; i < 5; i++)
        {
            (await api.PostAsJsonAsync("/api/v1/jobs", Job($"Job {i}"))).Dispose();
        }

        var names = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/jobs?limit=2{(next is null ? "" : "&after=" + next)}");
            names.AddRange(page.GetProperty("data").EnumerateArray().Select(j => j.GetProperty("name").GetString()!));
            next = page.GetProperty("next").GetString();
            pages++;
        }
        while (next is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["Job 4", "Job 3", "Job 2", "Job 1", "Job 0"], names);
        using var bad = await api.GetAsync("/api/v1/jobs?after=not-a-cursor");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task AnotherOrganisationsJob_IsNotFoundEverywhere()
    {
        var owner = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateRunningJobAsync(owner, items: 1, answersPerItem: 1);
        var item = (await factory.ItemsAsync(job.Id)).Single();
        var (_, stranger) = await factory.ResearcherWithApiAsync();
        using var _ = stranger;

        foreach (var (method, path) in new[]
        {
            ("GET", $"/api/v1/jobs/{job.Id}"), ("GET", $"/api/v1/jobs/{job.Id}/progress"), ("GET", $"/api/v1/jobs/{job.Id}/items"),
            ("GET", $"/api/v1/jobs/{job.Id}/items/{item.Id}"), ("GET", $"/api/v1/jobs/{job.Id}/export?format=csv"), ("POST", $"/api/v1/jobs/{job.Id}/pause"),
            ("POST", $"/api/v1/jobs/{job.Id}/cancel"),
        })
        {
            using var response = await stranger.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        }

        Assert.Equal(JobStatus.Running, await factory.JobStatusAsync(job.Id));
    }

    [Fact]
    public async Task Upload_WithABadFile_422NamesItAndImportsNothing()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        var jobId = (await (await api.PostAsJsonAsync("/api/v1/jobs", Job())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var response = await api.PostAsync($"/api/v1/jobs/{jobId}/items", ZipForm(TestZips.Build(("good.png", Pngs.Solid(8, 8)), ("bad.png", "not an image"u8.ToArray()))));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ApiKeyTests.ProblemAsync(response);
        Assert.Equal("/api/problems/items_rejected", problem.GetProperty("type").GetString());
        Assert.Equal("bad.png", problem.GetProperty("files").EnumerateArray().Single().GetProperty("path").GetString());
        Assert.Empty(await factory.ItemsAsync(jobId));
    }

    [Fact]
    public async Task Upload_RetriedWithItsIdempotencyKey_ImportsOnce()
    {
        var (_, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        var jobId = (await (await api.PostAsJsonAsync("/api/v1/jobs", Job())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var key = Guid.NewGuid().ToString();

        foreach (var attempt in new[] { 1, 2 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/jobs/{jobId}/items") { Content = ZipForm(TestZips.Images(2)) };
            request.Headers.Add("Idempotency-Key", key);
            using var response = await api.SendAsync(request);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            Assert.Equal(attempt == 2, response.Headers.Contains("Idempotent-Replayed"));
        }

        Assert.Equal(2, (await factory.ItemsAsync(jobId)).Count);
    }

    [Fact]
    public async Task Upload_NotMultipart_415()
    {
        var (_, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        var jobId = (await (await api.PostAsJsonAsync("/api/v1/jobs", Job())).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        using var response = await api.PostAsync($"/api/v1/jobs/{jobId}/items", new ByteArrayContent(TestZips.Images(1).ToArray()));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("/api/problems/unsupported_media_type", (await ApiKeyTests.ProblemAsync(response)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Export_EveryFormatStreamsOverHttp_WrongFormatOrKindRefused()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        var boxes = await factory.CreateJobWithItemsAsync(researcher, items: 3, answersPerItem: 1, kind: TaskKind.BoundingBoxes);

        foreach (var (format, type) in new[] { ("coco", "application/json"), ("yolo", "application/gzip"), ("voc", "application/gzip"), ("csv", "text/csv"), ("jsonl", "application/x-ndjson") })
        {
            using var response = await api.GetAsync($"/api/v1/jobs/{boxes.Id}/export?format={format}&answers=true");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{format}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("attachment", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
            Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 0);
        }

        using var unknown = await api.GetAsync($"/api/v1/jobs/{boxes.Id}/export?format=tfrecord");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        var classification = await factory.CreateJobWithItemsAsync(researcher, items: 1, answersPerItem: 1);
        using var wrongKind = await api.GetAsync($"/api/v1/jobs/{classification.Id}/export?format=coco");
        Assert.Equal(HttpStatusCode.BadRequest, wrongKind.StatusCode);
        Assert.Contains("CSV or JSON Lines", (await ApiKeyTests.ProblemAsync(wrongKind)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static MultipartFormDataContent ZipForm(MemoryStream zip)
    {
        var file = new ByteArrayContent(zip.ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return new MultipartFormDataContent { { file, "file", "items.zip" } };
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient api, object body, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/jobs") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await api.SendAsync(request);
    }

    private static async Task<long> AvailableAsync(HttpClient api) =>
        (await api.GetFromJsonAsync<JsonElement>("/api/v1/balance")).GetProperty("balances").EnumerateArray()
            .Where(b => b.GetProperty("currency").GetString() == "USD").Sum(b => b.GetProperty("available").GetInt64());

    private async Task<AppDbContext> Db() => await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
}
