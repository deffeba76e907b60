using System.Text.Json;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Common.Events;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Testing;
using LabelPlatform.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LabelPlatform.IntegrationTests.Webhooks;

/// <summary>Signed webhooks to a real HTTP receiver: the signature, retries after a 500, giving up, redelivery, rotation, internal addresses.</summary>
public class WebhookDeliveryTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    private async Task<(AppUser Researcher, Guid Organisation, WebhookEndpointWithSecret Endpoint)> EndpointAsync(WebhookReceiver receiver, params string[] events)
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var created = await factory.Manage.CreateAsync(researcher.OrganisationId!.Value, researcher.Id,
            new WebhookEndpointChange(receiver.Url(), "test receiver", events.Length == 0 ? null : events));
        Assert.True(created.IsSuccess, created.Error?.Message);
        return (researcher, researcher.OrganisationId.Value, created.Value!);
    }

    private async Task<WebhookDelivery> DeliveryAsync(Guid organisation, Guid deliveryId) => (await factory.Manage.DeliveryAsync(organisation, deliveryId))!;

    [Fact]
    public async Task JobPaused_TheSubscribedEndpointGetsOneEvent_SignedWithTheSecretShownOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (researcher, organisation, endpoint) = await EndpointAsync(receiver, OrganisationEventTypes.JobPaused);
        var other = await factory.Manage.CreateAsync(organisation, endpoint.Endpoint.CreatedByUserId,
            new WebhookEndpointChange(receiver.Url("/exports-only"), null, [OrganisationEventTypes.ExportReady]));
        Assert.True(other.IsSuccess, other.Error?.Message);
        var job = await factory.CreateRunningJobAsync(researcher, items: 2);

        var paused = await factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, organisation, JobAction.Pause);
        Assert.True(paused.IsSuccess, paused.Error?.Message);
        await factory.RoundsUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "the job.paused webhook");

        var request = Assert.Single(receiver.Requests);
        Assert.Equal("/hooks", request.Path);
        Assert.StartsWith("application/json", request.Header("Content-Type"));
        Assert.True(WebhookSignature.Verify(request.Header(WebhookSignature.Header), request.Body, endpoint.Secret, DateTimeOffset.UtcNow),
            $"The signature {request.Header(WebhookSignature.Header)} does not check with the endpoint's secret.");
        Assert.False(WebhookSignature.Verify(request.Header(WebhookSignature.Header), request.Body, ManageWebhooks.SecretPrefix + new string('0', 48), DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(request.Header(WebhookSignature.Header), request.Body + " ", endpoint.Secret, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(request.Header(WebhookSignature.Header), request.Body, endpoint.Secret, DateTimeOffset.UtcNow.AddMinutes(10)));

        using var body = JsonDocument.Parse(request.Body);
        var root = body.RootElement;
        Assert.Equal("job.paused", root.GetProperty("type").GetString());
        Assert.Equal(root.GetProperty("id").GetString(), request.Header("LabelPlatform-Event-Id"));
        Assert.StartsWith("evt_", root.GetProperty("id").GetString());
        Assert.Equal(organisation.ToString(), root.GetProperty("organisation_id").GetString());
        var data = root.GetProperty("data");
        Assert.Equal((job.Id.ToString(), "paused", JobEventData.ByResearcher), (data.GetProperty("job_id").GetString(), data.GetProperty("status").GetString(), data.GetProperty("reason").GetString()));
        Assert.Equal("1", request.Header("LabelPlatform-Attempt"));

        var delivery = Assert.Single(await factory.Manage.DeliveriesAsync(organisation, endpoint.Endpoint.Id));
        Assert.Equal((WebhookDeliveryStatus.Delivered, 1, 200), (delivery.Status, delivery.Attempts, delivery.LastStatusCode));
        Assert.Empty(await factory.Manage.DeliveriesAsync(organisation, other.Value!.Endpoint.Id));
        // The secret is kept encrypted: neither it nor its hex digits are in the database.
        Assert.Equal(0L, await factory.ScalarAsync<long>("SELECT count(*) FROM webhook_endpoints WHERE protected_secret LIKE '%' || $1 || '%'", endpoint.Secret[6..]));
    }

    [Fact]
    public async Task ReceiverAnswers500_TriedAgainAfterAWait_DeliveredOnTheSecondTry_SameEventIdAndBody()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.AnswerNext(500);
        var (researcher, organisation, endpoint) = await EndpointAsync(receiver);

        var test = (await factory.Manage.SendTestAsync(organisation, endpoint.Endpoint.Id)).Value!;
        await factory.RoundsUntilAsync(async () => (await DeliveryAsync(organisation, test.Id)).Status == WebhookDeliveryStatus.Delivered, "delivered after one 500");

        var requests = receiver.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal(requests[0].Header("LabelPlatform-Event-Id"), requests[1].Header("LabelPlatform-Event-Id"));
        Assert.Equal(["1", "2"], requests.Select(r => r.Header("LabelPlatform-Attempt")));
        Assert.All(requests, r => Assert.True(WebhookSignature.Verify(r.Header(WebhookSignature.Header), r.Body, endpoint.Secret, DateTimeOffset.UtcNow)));

        var attempts = await factory.Manage.AttemptsAsync(organisation, test.Id);
        Assert.Equal([500, 200], attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal("receiver says no", attempts[0].ResponseExcerpt);
        Assert.Contains("500", attempts[0].Error);
        Assert.True(attempts[1].AttemptedAt - attempts[0].AttemptedAt >= TimeSpan.FromSeconds(0.2), "The second try came before the back-off's wait.");
        Assert.Equal((2, WebhookDeliveryStatus.Delivered), ((await DeliveryAsync(organisation, test.Id)).Attempts, (await DeliveryAsync(organisation, test.Id)).Status));
    }

    [Fact]
    public async Task ReceiverAlwaysFails_RetriedUntilTheGiveUpTime_ThenFailed_RedeliverSendsOnceMore()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.DefaultStatus = 503;
        var (researcher, organisation, endpoint) = await EndpointAsync(receiver);

        var test = (await factory.Manage.SendTestAsync(organisation, endpoint.Endpoint.Id)).Value!;
        await factory.RoundsUntilAsync(async () => (await DeliveryAsync(organisation, test.Id)).Status == WebhookDeliveryStatus.Failed, "failed for good");

        var failed = await DeliveryAsync(organisation, test.Id);
        Assert.True(failed.Attempts >= 3, $"Only {failed.Attempts} tries before giving up.");
        Assert.Null(failed.NextAttemptAt);
        Assert.True(failed.LastAttemptAt <= failed.CreatedAt + WebhookFactory.GiveUpAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(failed.Attempts, receiver.Requests.Count);
        // Backing off: each wait at least as long as the one before (0.2 s doubling, capped at 0.5 s).
        var times = (await factory.Manage.AttemptsAsync(organisation, test.Id)).Select(a => a.AttemptedAt).ToList();
        Assert.True(times[2] - times[1] >= TimeSpan.FromSeconds(0.4), "The wait did not double.");

        Assert.Equal(0, await factory.RoundAsync());
        Assert.Equal(failed.Attempts, receiver.Requests.Count);

        receiver.DefaultStatus = 204;
        var redelivered = await factory.Manage.RedeliverAsync(organisation, test.Id);
        Assert.True(redelivered.IsSuccess, redelivered.Error?.Message);
        await factory.RoundsUntilAsync(async () => (await DeliveryAsync(organisation, test.Id)).Status == WebhookDeliveryStatus.Delivered, "redelivered");
        var attempts = await factory.Manage.AttemptsAsync(organisation, test.Id);
        Assert.Equal((204, true), (attempts[^1].StatusCode, attempts[^1].Manual));
        Assert.All(attempts[..^1], a => Assert.False(a.Manual));

        // A redelivery that fails is one try, not a new schedule.
        receiver.DefaultStatus = 500;
        await factory.Manage.RedeliverAsync(organisation, test.Id);
        await factory.RoundsUntilAsync(async () => (await DeliveryAsync(organisation, test.Id)).Status == WebhookDeliveryStatus.Failed, "the failed redelivery");
        Assert.Equal(attempts.Count + 1, (await DeliveryAsync(organisation, test.Id)).Attempts);
    }

    [Fact]
    public async Task SecretRotated_BothSecretsSignForADay_ExpireNowLeavesOnlyTheNewOne()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (researcher, organisation, endpoint) = await EndpointAsync(receiver);
        var rotated = (await factory.Manage.RotateSecretAsync(organisation, endpoint.Endpoint.Id, expireOldNow: false)).Value!;
        Assert.NotEqual(endpoint.Secret, rotated.Secret);

        await factory.Manage.SendTestAsync(organisation, endpoint.Endpoint.Id);
        await factory.RoundsUntilAsync(() => Task.FromResult(receiver.Requests.Count == 1), "the first test event");
        var first = receiver.Requests.Single();
        Assert.Equal(2, first.Header(WebhookSignature.Header).Split(",v1=").Length - 1);
        Assert.True(WebhookSignature.Verify(first.Header(WebhookSignature.Header), first.Body, endpoint.Secret, DateTimeOffset.UtcNow));
        Assert.True(WebhookSignature.Verify(first.Header(WebhookSignature.Header), first.Body, rotated.Secret, DateTimeOffset.UtcNow));

        var again = (await factory.Manage.RotateSecretAsync(organisation, endpoint.Endpoint.Id, expireOldNow: true)).Value!;
        await factory.Manage.SendTestAsync(organisation, endpoint.Endpoint.Id);
        await factory.RoundsUntilAsync(() => Task.FromResult(receiver.Requests.Count == 2), "the second test event");
        var second = receiver.Requests.Last();
        Assert.True(WebhookSignature.Verify(second.Header(WebhookSignature.Header), second.Body, again.Secret, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(second.Header(WebhookSignature.Header), second.Body, rotated.Secret, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify(second.Header(WebhookSignature.Header), second.Body, endpoint.Secret, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task PausedEndpoint_NothingSent_UntilItIsTurnedBackOn()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (researcher, organisation, endpoint) = await EndpointAsync(receiver);
        await factory.Manage.UpdateAsync(organisation, endpoint.Endpoint.Id, new WebhookEndpointChange(Enabled: false));
        var test = (await factory.Manage.SendTestAsync(organisation, endpoint.Endpoint.Id)).Value!;

        await factory.RoundAsync();
        Assert.Empty(receiver.Requests);
        Assert.Equal(WebhookDeliveryStatus.Pending, (await DeliveryAsync(organisation, test.Id)).Status);

        await factory.Manage.UpdateAsync(organisation, endpoint.Endpoint.Id, new WebhookEndpointChange(Enabled: true));
        await factory.RoundsUntilAsync(async () => (await DeliveryAsync(organisation, test.Id)).Status == WebhookDeliveryStatus.Delivered, "sent once turned on");
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task InternalAddress_RefusedWhenSaved_AndWhenANameResolvesToOneAtConnectTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var production = new WebhookOptions { AllowPrivateAddresses = false, RequireHttps = false };
        foreach (var url in new[] { "http://127.0.0.1/hooks", "http://10.1.2.3/", "http://169.254.169.254/latest/meta-data", "http://[::1]:8080/", "http://[fd00::1]/",
                     "http://192.168.1.10/", "http://172.20.0.5/", "http://100.64.0.1/", "http://0.0.0.0/", "http://localhost:5000/", "http://db.internal/", "http://intranet/",
                     "http://[::ffff:127.0.0.1]/" })
        {
            var checkedUrl = WebhookUrls.Check(url, production);
            Assert.False(checkedUrl.IsSuccess, $"{url} was allowed.");
            Assert.Contains("public internet", checkedUrl.Error!.Message);
        }

        Assert.True(WebhookUrls.Check("https://hooks.example.com/labelplatform", production).IsSuccess);
        Assert.True(WebhookUrls.Check("https://[2606:4700:4700::1111]/hooks", production).IsSuccess);
        Assert.True(WebhookUrls.Check("https://8.8.8.8/hooks", production).IsSuccess);
        Assert.Contains("https://", WebhookUrls.Check("http://hooks.example.com/", new WebhookOptions()).Error!.Message);
        Assert.Contains("absolute", WebhookUrls.Check("ftp://hooks.example.com/", production).Error!.Message);
        Assert.Contains("user names", WebhookUrls.Check("https://user:pass@hooks.example.com/", production).Error!.Message);

        // A name that passes the save check (or changed its address since) is refused when the connection is made.
        using var sender = new WebhookSender(Options.Create(production));
        var result = await sender.SendAsync($"http://localhost:{receiver.Port}/hooks", "{}", ["whsec_x"], Guid.NewGuid(), Guid.NewGuid(), "webhook.test", 1, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Null(result.StatusCode);
        Assert.Contains("internal addresses", result.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task RedirectAnswer_NotFollowed_CountsAsAFailedTry()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.DefaultStatus = 302;
        var (researcher, organisation, endpoint) = await EndpointAsync(receiver);
        var test = (await factory.Manage.SendTestAsync(organisation, endpoint.Endpoint.Id)).Value!;
        await factory.RoundsUntilAsync(async () => (await DeliveryAsync(organisation, test.Id)).Attempts >= 1, "the first try");
        var delivery = await DeliveryAsync(organisation, test.Id);
        Assert.Equal((WebhookDeliveryStatus.Pending, 302), (delivery.Status, delivery.LastStatusCode));
        Assert.Contains("redirect", delivery.LastError);
        Assert.Single(receiver.Requests);
    }
}
