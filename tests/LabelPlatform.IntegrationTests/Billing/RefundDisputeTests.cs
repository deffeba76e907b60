using System.Text.Json.Nodes;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing.Alerts;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.IntegrationTests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>Money going back: researchers' refunds to the cards their funds came from, and cardholders' disputes.</summary>
public class RefundDisputeTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private RefundFunds Refunds => factory.Services.GetRequiredService<RefundFunds>();

    /// <summary>A researcher whose organisation paid these top-ups by card (each credited by its webhook); the payment intents, in order.</summary>
    private async Task<(AppUser Researcher, Guid Organisation, List<string> PaymentIntents)> PaidAsync(params long[] topUps)
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var organisation = researcher.OrganisationId!.Value;
        var intents = new List<string>();
        foreach (var amount in topUps)
        {
            var started = await factory.Services.GetRequiredService<AddFunds>().HandleAsync(organisation, researcher.Id, amount, BillingData.Usd);
            Assert.True(started.IsSuccess, started.Error?.Message);
            factory.Emulator.CompleteCheckout(started.Value!.Id);
            Assert.Equal(200, (await factory.DeliverAsync(factory.Emulator.EventFor("checkout.session.completed", started.Value.Id))).Status);
            intents.Add(factory.Emulator.CheckoutSessions.Single(s => s.Id == started.Value.Id).PaymentIntent!);
        }

        return (researcher, organisation, intents);
    }

    private Task<long> HoldAsync(Guid organisation) => factory.BalanceAsync(LedgerAccount.IdOf(LedgerAccountKind.DisputeHold, organisation.ToString(), BillingData.Usd));

    [Fact]
    public async Task Refund_AcrossTwoTopUps_NewestFirstEachToItsCard()
    {
        var (researcher, organisation, intents) = await PaidAsync(30_00, 20_00);

        var refunded = await Refunds.HandleAsync(organisation, researcher.Id, 40_00, BillingData.Usd, Guid.NewGuid());

        Assert.True(refunded.IsSuccess, refunded.Error?.Message);
        Assert.Equal(new RefundRequestResult(40_00, 0, 2), refunded.Value);
        Assert.Equal(10_00, await factory.FundsAsync(organisation));
        Assert.Equal(20_00, Assert.Single(factory.Emulator.Refunds, r => r.PaymentIntent == intents[1]).Amount);
        Assert.Equal(20_00, Assert.Single(factory.Emulator.Refunds, r => r.PaymentIntent == intents[0]).Amount);
        Assert.Equal(new Refundable(10_00, 10_00), await Refunds.RefundableAsync(organisation, BillingData.Usd));
        Assert.Equal(2, await factory.ScalarAsync<long>("SELECT count(*) FROM refunds WHERE organisation_id = $1 AND status = 'Succeeded' AND stripe_refund_id IS NOT NULL", organisation));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Refund_MoreThanTheCardsOrTheFunds_RefusedWithNothingWritten()
    {
        var (researcher, organisation, _) = await PaidAsync(25_00);
        Assert.True((await factory.PostAsync(Postings.ManualCredit(organisation, BillingData.Usd, 50_00, "Invoice", "admin", Guid.NewGuid()))).IsSuccess);
        var spend = await factory.PostAsync(Postings.Bonus(Guid.NewGuid(), organisation, Guid.NewGuid(), (await factory.InsertWorkersAsync(1))[0].Id, BillingData.Usd, 60_00, 12_00, "b", researcher.Id));
        Assert.True(spend.IsSuccess, spend.Error?.Message);

        var overCards = await Refunds.HandleAsync(organisation, researcher.Id, 26_00, BillingData.Usd, Guid.NewGuid());
        var overFunds = await Refunds.HandleAsync(organisation, researcher.Id, 4_00, BillingData.Usd, Guid.NewGuid());

        Assert.Contains("At most 25.00 USD can go back to the cards", overCards.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("funds are 3.00 USD", overFunds.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(3_00, await factory.FundsAsync(organisation));
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM refunds WHERE organisation_id = $1", organisation));
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT refunded FROM checkout_sessions WHERE organisation_id = $1", organisation));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Refund_SameRequestTwiceAndAtOnce_RefundsOnce()
    {
        var (researcher, organisation, intents) = await PaidAsync(30_00);
        var request = Guid.NewGuid();

        var results = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Refunds.HandleAsync(organisation, researcher.Id, 12_00, BillingData.Usd, request)));
        var again = await Refunds.HandleAsync(organisation, researcher.Id, 12_00, BillingData.Usd, request);

        Assert.Contains(results, r => r.IsSuccess);
        Assert.Equal(12_00, again.Value!.Refunded);
        Assert.Equal(12_00, Assert.Single(factory.Emulator.Refunds, r => r.PaymentIntent == intents[0]).Amount);
        Assert.Equal(18_00, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task Refund_AnswerLost_ResumedAfterTheKeyExpiredFindsItAndDoesNotRefundTwice()
    {
        var (researcher, organisation, intents) = await PaidAsync(40_00);
        factory.Emulator.CutNext("/v1/refunds");

        var first = await Refunds.HandleAsync(organisation, researcher.Id, 15_00, BillingData.Usd, Guid.NewGuid());
        Assert.Equal((0L, 15_00L), (first.Value!.Refunded, first.Value.Waiting));
        factory.Emulator.AdvanceTime(TimeSpan.FromHours(25));
        await Refunds.ResumeAsync();

        var made = Assert.Single(factory.Emulator.Refunds, r => r.PaymentIntent == intents[0]);
        Assert.Equal(made.Id, await factory.ScalarAsync<string>("SELECT stripe_refund_id FROM refunds WHERE organisation_id = $1 AND status = 'Succeeded'", organisation));
        Assert.Equal(25_00, await factory.FundsAsync(organisation));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task RefundFailedLater_MoneyBackOnceEvenReplayed_AndRefundableAgain()
    {
        var (researcher, organisation, intents) = await PaidAsync(30_00);
        Assert.True((await Refunds.HandleAsync(organisation, researcher.Id, 10_00, BillingData.Usd, Guid.NewGuid())).IsSuccess);
        var refund = Assert.Single(factory.Emulator.Refunds, r => r.PaymentIntent == intents[0]);

        factory.Emulator.FailRefund(refund.Id);
        var failed = factory.Emulator.EventFor("refund.failed", refund.Id);
        Assert.Equal(200, (await factory.DeliverAsync(failed)).Status);
        Assert.Equal(200, (await factory.DeliverAsync(failed)).Status);

        Assert.Equal(30_00, await factory.FundsAsync(organisation));
        Assert.Equal("Failed", await factory.ScalarAsync<string>("SELECT status FROM refunds WHERE organisation_id = $1", organisation));
        Assert.Equal(new Refundable(30_00, 30_00), await Refunds.RefundableAsync(organisation, BillingData.Usd));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Dispute_FrozenFromEscrowFirstThenFunds_LostTakesItAndThePlatformBearsTheRest()
    {
        var (researcher, organisation, intents) = await PaidAsync(50_00);
        var job = await factory.CreateJobWithItemsAsync(researcher, 2, 1, launch: false);
        Assert.True((await factory.PostAsync(Postings.Escrow($"escrow:{job.Id}", organisation, job.Id, BillingData.Usd, 45_00, "test"))).IsSuccess);
        var revenue = await factory.RevenueAsync();

        var dispute = factory.Emulator.OpenDispute(intents[0], 50_00);
        factory.Emulator.CloseDispute(dispute.Id, won: false);
        var created = factory.Emulator.EventFor("charge.dispute.created", dispute.Id);
        var closed = factory.Emulator.EventFor("charge.dispute.closed", dispute.Id);
        Assert.Equal(200, (await factory.DeliverAsync(created)).Status);

        Assert.Equal((0L, 0L, 50_00L), (await factory.EscrowAsync(job.Id), await factory.FundsAsync(organisation), await HoldAsync(organisation)));
        Assert.Equal((50_00L, 0L), (await factory.ScalarAsync<long>("SELECT frozen FROM disputes WHERE id = $1", dispute.Id), await factory.ScalarAsync<long>("SELECT exposure FROM disputes WHERE id = $1", dispute.Id)));
        Assert.Contains("frozen", await factory.ScalarAsync<string>("SELECT message FROM billing_alerts WHERE kind = $1 AND message LIKE '%' || $2 || '%'", BillingAlertKinds.DisputeOpened, dispute.Id));

        Assert.Equal(200, (await factory.DeliverAsync(closed)).Status);
        Assert.Equal(200, (await factory.DeliverAsync(closed)).Status);

        Assert.Equal("Lost", await factory.ScalarAsync<string>("SELECT status FROM disputes WHERE id = $1", dispute.Id));
        Assert.Equal(0, await HoldAsync(organisation));
        Assert.Equal(revenue, await factory.RevenueAsync());
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Dispute_MoreThanTheOrganisationHolds_ExposureShownAndBorneWhenLost()
    {
        var (researcher, organisation, intents) = await PaidAsync(40_00);
        Assert.True((await factory.PostAsync(Postings.Bonus(Guid.NewGuid(), organisation, Guid.NewGuid(), (await factory.InsertWorkersAsync(1))[0].Id, BillingData.Usd, 25_00, 5_00, "b", researcher.Id))).IsSuccess);
        var revenue = await factory.RevenueAsync();

        var dispute = factory.Emulator.OpenDispute(intents[0]);
        factory.Emulator.CloseDispute(dispute.Id, won: false);
        // Out of order: the closing event first; it applies the opening too.
        Assert.Equal(200, (await factory.DeliverAsync(factory.Emulator.EventFor("charge.dispute.closed", dispute.Id))).Status);
        Assert.Equal(200, (await factory.DeliverAsync(factory.Emulator.EventFor("charge.dispute.created", dispute.Id))).Status);

        Assert.Equal((10_00L, 30_00L), (await factory.ScalarAsync<long>("SELECT frozen FROM disputes WHERE id = $1", dispute.Id), await factory.ScalarAsync<long>("SELECT exposure FROM disputes WHERE id = $1", dispute.Id)));
        Assert.Equal(0, await factory.FundsAsync(organisation));
        Assert.Equal(revenue - 30_00, await factory.RevenueAsync());
        Assert.Contains("the platform bore 30.00 USD", await factory.ScalarAsync<string>("SELECT message FROM billing_alerts WHERE kind = $1 AND message LIKE '%' || $2 || '%'", BillingAlertKinds.DisputeLost, dispute.Id));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Dispute_Won_TheFrozenMoneyIsBack()
    {
        var (_, organisation, intents) = await PaidAsync(20_00);

        var dispute = factory.Emulator.OpenDispute(intents[0], 8_00);
        Assert.Equal(200, (await factory.DeliverAsync(factory.Emulator.EventFor("charge.dispute.created", dispute.Id))).Status);
        Assert.Equal(12_00, await factory.FundsAsync(organisation));
        factory.Emulator.CloseDispute(dispute.Id, won: true);
        Assert.Equal(200, (await factory.DeliverAsync(factory.Emulator.EventFor("charge.dispute.closed", dispute.Id))).Status);

        Assert.Equal(20_00, await factory.FundsAsync(organisation));
        Assert.Equal(0, await HoldAsync(organisation));
        Assert.Equal("Won", await factory.ScalarAsync<string>("SELECT status FROM disputes WHERE id = $1", dispute.Id));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Dispute_OnAPaymentThatIsNotOurs_AcknowledgedAndAlerted()
    {
        var evt = factory.Emulator.CreateEvent("charge.dispute.created", new JsonObject
        {
            ["id"] = "dp_" + Guid.NewGuid().ToString("N")[..16],
            ["object"] = "dispute",
            ["amount"] = 9_00,
            ["currency"] = "usd",
            ["payment_intent"] = "pi_unknown",
            ["status"] = "needs_response",
            ["reason"] = "fraudulent",
        });

        Assert.Equal(200, (await factory.DeliverAsync(evt)).Status);
        Assert.Contains("does not know", await factory.ScalarAsync<string>("SELECT message FROM billing_alerts WHERE kind = $1 AND message LIKE '%pi_unknown%'", BillingAlertKinds.DisputeOpened));
    }
}
