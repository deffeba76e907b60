using System.Net;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

public sealed class RefundDisputeTests : EmulatorTestBase
{
    private async Task<string> PaidPaymentIntentAsync(long amount)
    {
        var session = await Client.V1.Checkout.Sessions.CreateAsync(new Stripe.Checkout.SessionCreateOptions
        {
            Mode = "payment",
            SuccessUrl = "https://app.example/ok",
            LineItems = [new() { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = amount, ProductData = new() { Name = "Funds" } } }],
        });
        Emulator.CompleteCheckout(session.Id);
        return Emulator.CheckoutSessions.Single(s => s.Id == session.Id).PaymentIntent!;
    }

    [Fact]
    public async Task Refund_PartialThenTheRest_ThenNothingLeft()
    {
        var pi = await PaidPaymentIntentAsync(3_000);
        var before = Emulator.State.AvailableBalance("usd");

        var part = await Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi, Amount = 1_000, Metadata = new() { ["refund_id"] = "r1" } });
        var tooMuch = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi, Amount = 2_500 }));
        var rest = await Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi });
        var none = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi }));
        var listed = await Client.V1.Refunds.ListAsync(new RefundListOptions { PaymentIntent = pi });

        Assert.Equal(("succeeded", 1_000L, "r1"), (part.Status, part.Amount, part.Metadata["refund_id"]));
        Assert.Equal(("amount_too_large", "amount"), (tooMuch.StripeError.Code, tooMuch.StripeError.Param));
        Assert.Equal(2_000, rest.Amount);
        Assert.Equal("charge_already_refunded", none.StripeError.Code);
        Assert.Equal([rest.Id, part.Id], listed.Data.Select(r => r.Id));
        Assert.Equal(before - 3_000, Emulator.State.AvailableBalance("usd"));
    }

    [Fact]
    public async Task Refund_UnknownPaymentIntent_ResourceMissing()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = "pi_nothing", Amount = 100 }));

        Assert.Equal((HttpStatusCode.BadRequest, "resource_missing", "payment_intent"), (error.HttpStatusCode, error.StripeError.Code, error.StripeError.Param));
    }

    [Fact]
    public async Task FailRefund_SendsRefundFailedAndReturnsTheMoney()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_emulator");
        Emulator.SetWebhook(receiver.Url, "whsec_emulator");
        var pi = await PaidPaymentIntentAsync(2_000);
        var refund = await Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi, Amount = 500 });
        var after = Emulator.State.AvailableBalance("usd");

        Emulator.FailRefund(refund.Id);
        var evt = await receiver.WaitForAsync("refund.failed");

        var failed = Assert.IsType<Refund>(evt.Data.Object);
        Assert.Equal((refund.Id, "failed"), (failed.Id, failed.Status));
        Assert.Equal(after + 500, Emulator.State.AvailableBalance("usd"));
        Assert.Equal(500, (await Client.V1.Refunds.CreateAsync(new RefundCreateOptions { PaymentIntent = pi, Amount = 2_000 - 500 - 1_000 })).Amount);
    }

    [Fact]
    public async Task Dispute_CreatedThenLostOrWon_EventsAndBalance()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_emulator");
        Emulator.SetWebhook(receiver.Url, "whsec_emulator");
        var pi = await PaidPaymentIntentAsync(4_000);
        var start = Emulator.State.AvailableBalance("usd");

        var lost = Emulator.OpenDispute(pi, 1_500);
        var won = Emulator.OpenDispute(pi, 1_000);
        Emulator.CloseDispute(lost.Id, won: false);
        Emulator.CloseDispute(won.Id, won: true);
        await receiver.WaitForAsync("charge.dispute.created");
        var closed = await receiver.WaitForAsync("charge.dispute.closed");

        Assert.Equal(pi, Assert.IsType<Dispute>(closed.Data.Object).PaymentIntentId);
        Assert.Equal(start - 1_500, Emulator.State.AvailableBalance("usd"));
        Assert.Equal(["lost", "won"], Emulator.Disputes.Select(d => d.Status));
    }
}
