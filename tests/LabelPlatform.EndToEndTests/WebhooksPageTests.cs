using System.Text.RegularExpressions;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Testing;
using LabelPlatform.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>The researcher's webhooks page, driven as a researcher would, against a real receiver.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class WebhooksPageTests(BrowserFixture app)
{
    private async Task RoundAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<WebhookDeliveryRound>().RunAsync(CancellationToken.None);
    }

    [BrowserFact]
    public async Task Endpoint_AddedOnThePage_SecretShownOnce_TestEventDeliveredSigned_RedeliveredFromTheLog()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var page = await app.SignInAsync(researcher);
        await page.GotoAsync("/webhooks");

        await page.Locator(".lp-webhook-url input").FillAsync(receiver.Url());
        await page.Locator(".lp-webhook-description input").FillAsync("training pipeline");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var secretField = page.Locator(".lp-secret input");
        await Assertions.Expect(secretField).ToHaveValueAsync(new Regex("^whsec_"));
        var secret = await secretField.InputValueAsync();
        var endpoint = page.Locator(".lp-webhook");
        await Assertions.Expect(endpoint).ToContainTextAsync("training pipeline");
        await Assertions.Expect(endpoint).ToContainTextAsync("job.completed");

        await endpoint.GetByRole(AriaRole.Button, new() { Name = "Send test event" }).ClickAsync();
        var row = page.Locator(".lp-deliveries tbody tr[data-delivery]");
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "pending");
        await RoundAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "delivered");
        var received = Assert.Single(receiver.Requests);
        Assert.True(WebhookSignature.Verify(received.Header(WebhookSignature.Header), received.Body, secret, DateTimeOffset.UtcNow));

        await row.GetByRole(AriaRole.Button, new() { Name = "Redeliver" }).ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "pending");
        await RoundAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "delivered");
        await row.GetByRole(AriaRole.Button, new() { Name = "Tries" }).ClickAsync();
        await Assertions.Expect(page.Locator(".lp-attempts")).ToContainTextAsync("redelivered");
        Assert.Equal(2, receiver.Requests.Count);

        // Shown once: a fresh visit shows the secret's first characters only.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".lp-webhook")).ToContainTextAsync(secret[..12] + "…");
        await Assertions.Expect(page.Locator(".lp-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator(".lp-webhook")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task InternalOrMalformedUrl_RefusedWithAClearMessage_NothingSaved()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var page = await app.SignInAsync(researcher);
        await page.GotoAsync("/webhooks");
        await page.Locator(".lp-webhook-url input").FillAsync("not a url");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        await Assertions.Expect(page.Locator(".lp-webhook-error")).ToContainTextAsync("absolute http(s) URL");
        await Assertions.Expect(page.Locator(".lp-webhook")).ToHaveCountAsync(0);
    }
}
