using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;

namespace LabelPlatform.IntegrationTests.ResearcherApi;

/// <summary>The API describes itself: an OpenAPI document generated from the endpoints, a reference page, and each problem type.</summary>
public class OpenApiTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Document_EveryOperationHasASummaryAndItsProblems_CreatesShowSchemaAndExample()
    {
        using var client = factory.CreateApiClient(null);

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.Equal("LabelPlatform API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("ApiKey").GetProperty("scheme").GetString());
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(op => (Name: $"{op.Name.ToUpperInvariant()} {path.Name}", Operation: op.Value)))
            .ToList();
        Assert.True(operations.Count >= 14, string.Join(", ", operations.Select(o => o.Name)));
        Assert.All(operations, o =>
        {
            Assert.True(o.Operation.TryGetProperty("summary", out var summary) && summary.GetString()!.Length > 10, $"{o.Name} has no summary.");
            Assert.True(o.Operation.GetProperty("responses").TryGetProperty("401", out _), $"{o.Name} does not say it answers 401.");
            foreach (var response in o.Operation.GetProperty("responses").EnumerateObject().Where(r => r.Name.StartsWith('2')))
            {
                if (response.Value.TryGetProperty("content", out var content) && content.TryGetProperty("application/json", out var json))
                {
                    Assert.True(json.TryGetProperty("schema", out _), $"{o.Name} {response.Name} has no schema.");
                    Assert.True(json.TryGetProperty("example", out _), $"{o.Name} {response.Name} has no example.");
                }
            }
        });
        Assert.All(document.GetProperty("paths").EnumerateObject(), p => Assert.StartsWith("/api/v1/", p.Name, StringComparison.Ordinal));

        var create = operations.Single(o => o.Name == "POST /api/v1/jobs").Operation;
        var body = create.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.True(body.TryGetProperty("schema", out _));
        Assert.Equal("Street signs", body.GetProperty("example").GetProperty("name").GetString());
        Assert.True(create.GetProperty("responses").GetProperty("201").GetProperty("content").GetProperty("application/json").TryGetProperty("example", out _));
        var upload = operations.Single(o => o.Name == "POST /api/v1/jobs/{jobId}/items").Operation;
        var form = upload.GetProperty("requestBody").GetProperty("content").GetProperty("multipart/form-data").GetProperty("schema");
        Assert.Equal("binary", form.GetProperty("properties").GetProperty("file").GetProperty("format").GetString());
    }

    [Fact]
    public async Task ReferencePage_IsServedFromThisSite()
    {
        using var client = factory.CreateApiClient(null);

        using var bare = await client.GetAsync("/api/docs");
        using var page = await client.GetAsync("/api/docs/");

        Assert.Equal("/api/docs/", new Uri(new Uri("http://localhost/api/docs"), bare.Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("openapi/v1.json", html, StringComparison.Ordinal);
        Assert.Contains("'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("cdn.jsdelivr.net", html, StringComparison.Ordinal);
    }

    /// <summary>
    /// The C# client in docs/examples/csharp-client is generated (Kiota) from a copy of the document kept beside it;
    /// the copy must be the live document, or the sample would compile against an API that is not there.
    /// docs/examples/csharp-client/regenerate.sh writes the copy (this test with LP_WRITE_OPENAPI=1) and regenerates.
    /// </summary>
    [Fact]
    public async Task ClientSamplesDocument_IsTheLiveDocument()
    {
        using var client = factory.CreateApiClient(null);
        var live = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!.AsObject();
        live.Remove("servers");
        var path = Path.Combine(RepositoryFiles.Root, "docs", "examples", "csharp-client", "labelplatform.openapi.json");
        if (Environment.GetEnvironmentVariable("LP_WRITE_OPENAPI") == "1")
        {
            await File.WriteAllTextAsync(path, live.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
        }

        var committed = JsonNode.Parse(await File.ReadAllTextAsync(path));
        Assert.True(JsonNode.DeepEquals(live, committed), "The API changed since the C# client sample was generated: run docs/examples/csharp-client/regenerate.sh.");
    }

    [Theory]
    [InlineData("validation", 400)]
    [InlineData("unauthorized", 401)]
    [InlineData("idempotency_key_reused", 422)]
    [InlineData("rate_limited", 429)]
    public async Task ProblemType_DescribesItself(string code, int status)
    {
        using var client = factory.CreateApiClient(null);

        var type = await client.GetFromJsonAsync<JsonElement>($"/api/problems/{code}");

        Assert.Equal(status, type.GetProperty("status").GetInt32());
        Assert.Equal($"/api/problems/{code}", type.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(type.GetProperty("description").GetString()));
    }
}
