using System.Text.Json;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Common.Events;
using LabelPlatform.Exports;
using LabelPlatform.Exports.Files;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Quality.FinalLabels;
using LabelPlatform.Testing;
using LabelPlatform.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Webhooks;

/// <summary>The events the product raises reach the endpoints that want them: jobs, settled items (batched), exports, low funds; and who may manage endpoints.</summary>
public class WebhookEventsTests(WebhookFactory factory) : IClassFixture<WebhookFactory>
{
    private async Task<(AppUser Researcher, Guid Organisation)> ListeningAsync(WebhookReceiver receiver, params string[] events)
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var created = await factory.Manage.CreateAsync(researcher.OrganisationId!.Value, researcher.Id, new WebhookEndpointChange(receiver.Url(), null, events));
        Assert.True(created.IsSuccess, created.Error?.Message);
        return (researcher, researcher.OrganisationId.Value);
    }

    private static List<JsonElement> Bodies(WebhookReceiver receiver, string type) =>
        receiver.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement).Where(e => e.GetProperty("type").GetString() == type).ToList();

    [Fact]
    public async Task JobAnsweredToTheEnd_JobCompletedOnce_AndItsItemsSettledInOneBatchWithTheirLabels()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (researcher, _) = await ListeningAsync(receiver, OrganisationEventTypes.JobCompleted, OrganisationEventTypes.ItemsSettled, OrganisationEventTypes.JobLaunched);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 3);
        var workers = await factory.InsertWorkersAsync(3);
        foreach (var worker in workers)
        {
            await factory.AnswerNextAsync(job, worker, "bird");
            await factory.AnswerNextAsync(job, worker, "bird");
        }

        Assert.Equal(global::LabelPlatform.Jobs.JobStatus.Completed, await factory.JobStatusAsync(job.Id));
        await factory.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);
        // A second recompute changes nothing and tells nothing.
        await factory.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);
        await factory.RoundsUntilAsync(() => Task.FromResult(Bodies(receiver, "items.settled").Count > 0 && Bodies(receiver, "job.completed").Count > 0), "job.completed and items.settled");
        Assert.Equal(0, await factory.RoundAsync());

        var completed = Assert.Single(Bodies(receiver, "job.completed"));
        Assert.Equal((job.Id.ToString(), "completed"), (completed.GetProperty("data").GetProperty("job_id").GetString(), completed.GetProperty("data").GetProperty("status").GetString()));
        Assert.Single(Bodies(receiver, "job.launched"));
        var settled = Assert.Single(Bodies(receiver, "items.settled")).GetProperty("data");
        Assert.Equal(job.Id.ToString(), settled.GetProperty("job_id").GetString());
        var items = settled.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal((await factory.ItemsAsync(job.Id)).Select(i => i.Id.ToString()).Order(), items.Select(i => i.GetProperty("id").GetString()).Order());
        Assert.All(items, i => Assert.Equal(("bird", FinalSource.Crowd), (i.GetProperty("label").GetString(), i.GetProperty("source").GetString())));
        Assert.All(items, i => Assert.InRange(i.GetProperty("confidence").GetDouble(), 0.8, 1.0));
        Assert.All(items, i => Assert.False(string.IsNullOrEmpty(i.GetProperty("name").GetString())));
    }

    [Fact]
    public async Task ExportPrepared_ExportReadyWithItsDownloadPath()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (researcher, organisation) = await ListeningAsync(receiver, OrganisationEventTypes.ExportReady);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 1);
        var requested = (await factory.Services.GetRequiredService<RequestExport>().HandleAsync(job.Id, organisation, researcher.Id, new ExportOptions(ExportFormat.Jsonl))).Value!;
        await factory.Services.GetRequiredService<ExportFileJob>().RunAsync(requested.Id, CancellationToken.None);

        await factory.RoundsUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "export.ready");
        var data = Assert.Single(Bodies(receiver, "export.ready")).GetProperty("data");
        Assert.Equal((requested.Id.ToString(), "jsonl", $"/api/v1/exports/{requested.Id}/file"),
            (data.GetProperty("export_id").GetString(), data.GetProperty("format").GetString(), data.GetProperty("download_path").GetString()));
        Assert.True(data.GetProperty("bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task FundsBelowTheThreshold_BalanceLowOncePerFall()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (_, organisation) = await ListeningAsync(receiver, OrganisationEventTypes.BalanceLow);
        Assert.True((await factory.Manage.SetBalanceAlertAsync(organisation, "USD", 50_00)).IsSuccess);

        await factory.RoundsUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "balance.low");
        var data = Assert.Single(Bodies(receiver, "balance.low")).GetProperty("data");
        Assert.Equal(("USD", 0L, 50_00L), (data.GetProperty("currency").GetString(), data.GetProperty("balance").GetInt64(), data.GetProperty("threshold").GetInt64()));
        await factory.RoundAsync();
        Assert.Single(receiver.Requests);

        // Funds rise above it: nothing; a higher threshold they are below: told again, once.
        await factory.FundAsync(organisation, 100_00);
        await factory.RoundAsync();
        Assert.Single(receiver.Requests);
        Assert.False((await factory.Manage.BalanceAlertAsync(organisation))!.Below);
        await factory.Manage.SetBalanceAlertAsync(organisation, "USD", 200_00);
        await factory.RoundsUntilAsync(() => Task.FromResult(receiver.Requests.Count == 2), "the second balance.low");
        Assert.Equal(100_00L, Bodies(receiver, "balance.low")[1].GetProperty("data").GetProperty("balance").GetInt64());
        await factory.RoundAsync();
        Assert.Equal(2, receiver.Requests.Count);

        Assert.False((await factory.Manage.SetBalanceAlertAsync(organisation, "USD", -1)).IsSuccess);
        Assert.False((await factory.Manage.SetBalanceAlertAsync(organisation, "usd", 1)).IsSuccess);
    }

    [Fact]
    public async Task EventsBeforeAnEndpointExisted_OrOfAnotherOrganisation_NotSent()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);
        var strangersJob = await factory.CreateJobWithItemsAsync(stranger, items: 1, answersPerItem: 1);
        await factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(strangersJob.Id, strangersJob.OrganisationId, JobAction.Pause);
        await factory.RoundAsync();

        var (researcher, organisation) = await ListeningAsync(receiver, OrganisationEventTypes.JobPaused, OrganisationEventTypes.JobCancelled);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 1, answersPerItem: 1);
        await factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, organisation, JobAction.Cancel);
        await factory.RoundsUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "job.cancelled");
        await factory.RoundAsync();

        var only = Assert.Single(receiver.Requests);
        Assert.Contains(job.Id.ToString(), only.Body);
        Assert.Contains("job.cancelled", only.Body);
    }

    [Fact]
    public async Task Endpoints_CheckedWhenSaved_LimitedInNumber_AndInvisibleToAnotherOrganisation()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var organisation = researcher.OrganisationId!.Value;
        var bad = await factory.Manage.CreateAsync(organisation, researcher.Id, new WebhookEndpointChange("not a url", new string('x', 201), ["job.exploded"]));
        Assert.False(bad.IsSuccess);
        Assert.Equal(["description", "events", "url"], bad.Error!.Fields!.Keys.Order());
        Assert.False((await factory.Manage.CreateAsync(organisation, researcher.Id, new WebhookEndpointChange("https://hooks.example.com/", null, []))).IsSuccess);

        var created = new List<WebhookEndpoint>();
        for (var i = 0; i < ManageWebhooks.MaxEndpoints; i++)
        {
            var ok = await factory.Manage.CreateAsync(organisation, researcher.Id, new WebhookEndpointChange($"https://hooks.example.com/{i}"));
            Assert.True(ok.IsSuccess, ok.Error?.Message);
            Assert.Equal(OrganisationEventTypes.Subscribable, ok.Value!.Endpoint.Events);
            Assert.StartsWith(ManageWebhooks.SecretPrefix, ok.Value.Secret);
            Assert.StartsWith(ok.Value.Endpoint.SecretHint.TrimEnd('…'), ok.Value.Secret);
            created.Add(ok.Value.Endpoint);
        }

        var tooMany = await factory.Manage.CreateAsync(organisation, researcher.Id, new WebhookEndpointChange("https://hooks.example.com/more"));
        Assert.Equal("conflict", tooMany.Error!.Code);

        var stranger = (await factory.SignUpAsync(AccountKind.Researcher)).OrganisationId!.Value;
        Assert.Empty(await factory.Manage.ListAsync(stranger));
        var test = (await factory.Manage.SendTestAsync(organisation, created[0].Id)).Value!;
        Assert.Equal("not_found", (await factory.Manage.SendTestAsync(stranger, created[0].Id)).Error!.Code);
        Assert.Equal("not_found", (await factory.Manage.RotateSecretAsync(stranger, created[0].Id, false)).Error!.Code);
        Assert.Equal("not_found", (await factory.Manage.UpdateAsync(stranger, created[0].Id, new WebhookEndpointChange(Enabled: false))).Error!.Code);
        Assert.Equal("not_found", (await factory.Manage.RedeliverAsync(stranger, test.Id)).Error!.Code);
        Assert.Equal("not_found", (await factory.Manage.DeleteAsync(stranger, created[0].Id)).Error!.Code);
        Assert.Empty(await factory.Manage.DeliveriesAsync(stranger, created[0].Id));
        Assert.Empty(await factory.Manage.AttemptsAsync(stranger, test.Id));
        Assert.Null(await factory.Manage.DeliveryAsync(stranger, test.Id));

        Assert.True((await factory.Manage.DeleteAsync(organisation, created[0].Id)).IsSuccess);
        Assert.Null(await factory.Manage.DeliveryAsync(organisation, test.Id));
        Assert.Equal(ManageWebhooks.MaxEndpoints - 1, (await factory.Manage.ListAsync(organisation)).Count);
    }

    [Fact]
    public async Task GoldPoolRunningLow_GoldPoolLowOnce_AgainOnlyAfterItRecovered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var (researcher, _) = await ListeningAsync(receiver, OrganisationEventTypes.GoldPoolLow);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 12, answersPerItem: 1);
        // Ten gold items, each retired after 50 workers by default: a healthy pool.
        await factory.ExecuteAsync("UPDATE items SET gold_answer = '{\"labels\":[\"cat\"],\"boxes\":[]}'::jsonb, remaining_slots = 0 WHERE job_id = $1 AND ordinal < 10", job.Id);
        await factory.RoundAsync();
        Assert.Empty(receiver.Requests);

        // Six retired: four left live, under the qualification test's need and five.
        await factory.ExecuteAsync("UPDATE items SET gold_shown = 50 WHERE job_id = $1 AND ordinal < 6", job.Id);
        await factory.RoundsUntilAsync(() => Task.FromResult(!receiver.Requests.IsEmpty), "job.gold_pool_low");
        var data = Assert.Single(Bodies(receiver, "job.gold_pool_low")).GetProperty("data");
        Assert.Equal((job.Id.ToString(), 10, 4), (data.GetProperty("job_id").GetString(), data.GetProperty("gold_items").GetInt32(), data.GetProperty("gold_items_live").GetInt32()));
        await factory.RoundAsync();
        Assert.Single(receiver.Requests);

        await factory.ExecuteAsync("UPDATE items SET gold_shown = 0 WHERE job_id = $1", job.Id);
        await factory.RoundAsync();
        await factory.ExecuteAsync("UPDATE items SET gold_shown = 50 WHERE job_id = $1 AND ordinal < 6", job.Id);
        await factory.RoundsUntilAsync(() => Task.FromResult(receiver.Requests.Count == 2), "the second job.gold_pool_low");
    }
}
