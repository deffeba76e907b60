using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts.ApiKeys;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using LabelPlatform.Webhooks;

namespace LabelPlatform.IntegrationTests.Webhooks;

/// <summary>Webhooks over the researchers' API: the same endpoints, secret and deliveries as the page, with the API's scopes and problems.</summary>
public class WebhooksApiTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    [Fact]
    public async Task CreateTestAndRedeliver_OverTheApi_TheSecretOnlyInTheCreatingAnswer()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, api) = await factory.ResearcherWithApiAsync();

        var created = await api.PostAsJsonAsync("/api/v1/webhooks", new { url = receiver.Url(), events = new[] { "job.completed", "export.ready" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = await created.Content.ReadFromJsonAsync<JsonElement>();
        var secret = endpoint.GetProperty("secret").GetString()!;
        var id = endpoint.GetProperty("id").GetString();
        Assert.StartsWith(ManageWebhooks.SecretPrefix, secret);
        Assert.Equal($"/api/v1/webhooks/{id}", created.Headers.Location!.OriginalString);

        var read = await api.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}");
        Assert.Equal(JsonValueKind.Null, read.GetProperty("secret").ValueKind);
        Assert.DoesNotContain(secret, await api.GetStringAsync("/api/v1/webhooks"));

        var test = await api.PostAsync($"/api/v1/webhooks/{id}/test", null);
        Assert.Equal(HttpStatusCode.Accepted, test.StatusCode);
        var deliveryId = (await test.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        await factory.RoundsUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "the test event");
        var request = receiver.Requests.Single();
        Assert.True(WebhookSignature.Verify(request.Header(WebhookSignature.Header), request.Body, secret, DateTimeOffset.UtcNow));

        var delivery = await api.GetFromJsonAsync<JsonElement>($"/api/v1/webhook-deliveries/{deliveryId}");
        Assert.Equal(("delivered", 1, "webhook.test"), (delivery.GetProperty("status").GetString(), delivery.GetProperty("attempts").GetInt32(), delivery.GetProperty("eventType").GetString()));
        Assert.Equal(request.Body, delivery.GetProperty("payload").GetString());
        Assert.Equal(200, delivery.GetProperty("tries")[0].GetProperty("statusCode").GetInt32());

        Assert.Equal(HttpStatusCode.Accepted, (await api.PostAsync($"/api/v1/webhook-deliveries/{deliveryId}/redeliver", null)).StatusCode);
        await factory.RoundsUntilAsync(() => Task.FromResult(receiver.Requests.Count == 2), "the redelivery");
        var log = await api.GetFromJsonAsync<JsonElement>($"/api/v1/webhooks/{id}/deliveries");
        Assert.Equal(2, Assert.Single(log.EnumerateArray()).GetProperty("attempts").GetInt32());

        var rotated = await api.PostAsJsonAsync($"/api/v1/webhooks/{id}/rotate-secret", new { expireOldNow = true });
        var newSecret = (await rotated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString();
        Assert.NotEqual(secret, newSecret);

        Assert.Equal(HttpStatusCode.NoContent, (await api.DeleteAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/webhooks/{id}")).StatusCode);
    }

    [Fact]
    public async Task BadEndpoint_ValidationProblemPerField_ReadKeyCannotChange_AnotherOrganisationSeesNothing()
    {
        var (_, api) = await factory.ResearcherWithApiAsync();
        var bad = await api.PostAsJsonAsync("/api/v1/webhooks", new { url = "ftp://example.com", events = new[] { "job.exploded" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.EndsWith("/validation", problem.GetProperty("type").GetString());
        Assert.Equal(["events", "url"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order());

        var created = await (await api.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/x" })).Content.ReadFromJsonAsync<JsonElement>();
        var id = created.GetProperty("id").GetString();
        var patched = await api.PatchAsJsonAsync($"/api/v1/webhooks/{id}", new { enabled = false });
        Assert.False((await patched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("enabled").GetBoolean());

        var (_, reader) = await factory.ResearcherWithApiAsync(ApiKeyScope.Read);
        Assert.Empty(await reader.GetFromJsonAsync<JsonElement[]>("/api/v1/webhooks") ?? []);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/api/v1/webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync($"/api/v1/webhooks/{id}/deliveries")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsJsonAsync("/api/v1/webhooks", new { url = "https://hooks.example.com/y" })).StatusCode);

        var alert = await api.PutAsJsonAsync("/api/v1/balance/alert", new { currency = "USD", threshold = 25_00 });
        Assert.Equal(25_00, (await alert.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("threshold").GetInt64());
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PutAsJsonAsync("/api/v1/balance/alert", new { currency = "USD", threshold = -5 })).StatusCode);
        Assert.Equal(25_00, (await api.GetFromJsonAsync<JsonElement>("/api/v1/balance/alert")).GetProperty("threshold").GetInt64());
    }
}
