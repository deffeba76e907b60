using System.Text.Json;
using LabelPlatform.ClientSample;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using LabelPlatform.Webhooks;

namespace LabelPlatform.IntegrationTests.ResearcherApi;

/// <summary>docs/api.md's C# sample, a client Kiota generated from the OpenAPI document, runs its whole flow against the real server.</summary>
public class ClientSampleTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task GeneratedClient_CreatesUploadsSubscribesLaunchesAndExports()
    {
        var (researcher, _) = await factory.ResearcherWithApiAsync();
        var key = await factory.IssueKeyAsync(researcher);
        await factory.FundAsync(researcher.OrganisationId!.Value);
        var zipPath = Path.Combine(Path.GetTempPath(), $"sample-{Guid.NewGuid():N}.zip");
        await using (var zip = TestZips.Images(3))
        await using (var file = File.Create(zipPath))
        {
            await zip.CopyToAsync(file);
        }

        try
        {
            var client = Flow.Connect("http://localhost", key.Secret, factory.CreateApiClient(null));
            var outcome = await Flow.RunAsync(client, zipPath, "https://hooks.example.com/labelplatform");

            Assert.Equal(3, outcome.ItemsAdded);
            Assert.Equal(3, outcome.Items);
            Assert.Equal(LabelPlatform.ClientSample.Api.Models.JobStatus.Running, outcome.Status);
            Assert.StartsWith(ManageWebhooks.SecretPrefix, outcome.WebhookSecret);
            using var coco = JsonDocument.Parse(outcome.Coco);
            Assert.Equal(3, coco.RootElement.GetProperty("images").GetArrayLength());
            Assert.Equal(["stop", "yield", "speed"], coco.RootElement.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        }
        finally
        {
            File.Delete(zipPath);
        }
    }
}
