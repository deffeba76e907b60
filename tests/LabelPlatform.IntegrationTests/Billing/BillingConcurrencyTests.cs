using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Webhooks;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>Many movements of one organisation's money at once: the locks and the checks keep every balance exact.</summary>
public class BillingConcurrencyTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Launch_ManyJobsAtOnceWithFundsForSome_LaunchesExactlyWhatTheFundsCover()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var jobs = new List<Job>();
        for (var i = 0; i < 8; i++)
        {
            jobs.Add(await factory.CreateJobWithItemsAsync(researcher, items: 5, answersPerItem: 2, launch: false));
        }

        await factory.FundAsync(researcher.OrganisationId!.Value, 3 * 60 + 59); // three budgets of 60, and a little

        var results = await Task.WhenAll(jobs.Select(j => Task.Run(() =>
            factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(j.Id, j.OrganisationId, JobAction.Launch))));

        Assert.Equal(3, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("insufficient_funds", r.Error!.Code));
        Assert.Equal(59, await factory.FundsAsync(researcher.OrganisationId.Value));
        Assert.Equal(180, (await Task.WhenAll(jobs.Select(j => factory.EscrowAsync(j.Id)))).Sum());
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task PayBonus_ManyAtOnceBeyondTheFunds_NeverOverdraws()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 4, answersPerItem: 1, launch: false);
        await factory.FundAsync(job.OrganisationId, 24 + (10 * 120) + 59); // the budget, ten bonuses of 1.00 (+0.20 fee), and a little
        Assert.True((await factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, job.OrganisationId, JobAction.Launch)).IsSuccess);
        var workers = await factory.InsertWorkersAsync(4);
        foreach (var worker in workers)
        {
            await factory.AnswerNextAsync(job, worker, "cat");
        }

        var funds = await factory.FundsAsync(job.OrganisationId);
        const int take = 10;
        var bonus = factory.Services.GetRequiredService<PayBonus>();
        var results = await Task.WhenAll(Enumerable.Range(0, take + 6).Select(i => Task.Run(() =>
            bonus.HandleAsync(job.OrganisationId, researcher.Id, job.Id, workers[i % 4].Id, 100, "", Guid.NewGuid()))));

        Assert.Equal(take, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("insufficient_funds", r.Error!.Code));
        Assert.Equal(1_259, funds);
        Assert.Equal(59, await factory.FundsAsync(job.OrganisationId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Webhook_SameCheckoutEventDeliveredManyTimesAtOnce_CreditsOnce()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var started = await factory.Services.GetRequiredService<AddFunds>().HandleAsync(researcher.OrganisationId!.Value, researcher.Id, 60_00, BillingData.Usd);
        factory.Emulator.CompleteCheckout(started.Value!.Id);
        var paid = factory.Emulator.EventFor("checkout.session.completed", started.Value.Id);
        var again = factory.Emulator.CreateEvent(paid.Type, System.Text.Json.Nodes.JsonNode.Parse(paid.Json)!["data"]!["object"]!.DeepClone().AsObject());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            var evt = i % 2 == 0 ? paid : again;
            return (await factory.Services.GetRequiredService<StripeWebhook>().HandleAsync(evt.Json, BillingData.Sign(evt.Json))).Value;
        })));

        Assert.Equal(2, outcomes.Count(o => o == WebhookOutcome.Processed));
        Assert.Equal(60_00, await factory.FundsAsync(researcher.OrganisationId.Value));
        Assert.Equal(1, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_transactions WHERE organisation_id = $1 AND kind = 'Funding'", researcher.OrganisationId.Value));
    }
}
