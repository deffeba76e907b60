using System.Text.Json.Nodes;
using Stripe;

namespace LabelPlatform.StripeEmulator.Tests;

public sealed class WebhookTests : EmulatorTestBase
{
    protected override EmulatorOptions Options => new() { WebhookRetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50)] };

    private static JsonObject Payout(string id) => new()
    {
        ["id"] = id,
        ["object"] = "payout",
        ["amount"] = 500,
        ["currency"] = "usd",
        ["status"] = "failed",
        ["failure_code"] = "account_closed",
        ["created"] = 1_700_000_000,
    };

    [Fact]
    public async Task SendEvent_ForConnectedAccount_ArrivesSignedWithAccountAndApiVersion()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_emulator");
        Emulator.SetConnectWebhook(receiver.Url, "whsec_emulator");

        var sent = Emulator.SendEvent("payout.failed", Payout("po_1"), "acct_123");
        var evt = await receiver.WaitForAsync("payout.failed");

        Assert.Equal(sent.Id, evt.Id);
        Assert.StartsWith("evt_", evt.Id);
        Assert.Equal("acct_123", evt.Account);
        Assert.Equal(StripeConfiguration.ApiVersion, evt.ApiVersion);
        Assert.Equal("account_closed", Assert.IsType<Payout>(evt.Data.Object).FailureCode);
    }

    [Fact]
    public async Task DeliverAsync_ReplayedAndOutOfOrder_ArrivesInDeliveryOrder()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_emulator");
        Emulator.SetConnectWebhook(receiver.Url, "whsec_emulator");
        var first = Emulator.CreateEvent("payout.paid", Payout("po_a"), "acct_1");
        var second = Emulator.CreateEvent("payout.failed", Payout("po_b"), "acct_1");

        var statuses = new[] { await Emulator.DeliverAsync(second), await Emulator.DeliverAsync(first), await Emulator.DeliverAsync(first.Id) };

        Assert.All(statuses, s => Assert.Equal(200, s));
        Assert.Equal([second.Id, first.Id, first.Id], receiver.Received.Select(e => e.Id));
        Assert.Equal("delivered", first.DeliveryStatus);
        Assert.Equal(2, first.Attempts.Count);
    }

    [Fact]
    public async Task SendEvent_ReceiverFailsTwice_RetriesUntilDelivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_emulator");
        Emulator.SetConnectWebhook(receiver.Url, "whsec_emulator");
        receiver.AnswerNext(500, 503);

        var sent = Emulator.SendEvent("payout.failed", Payout("po_r"), "acct_1");
        await receiver.WaitForAsync("payout.failed");
        // The receiver has the event before the emulator has read its answer.
        for (var i = 0; i < 100 && sent.DeliveryStatus != "delivered"; i++)
        {
            await Task.Delay(20);
        }

        Assert.Equal([500, 503, 200], sent.Attempts.Select(a => a.StatusCode));
        Assert.Equal("delivered", sent.DeliveryStatus);
        var listed = JsonNode.Parse(await Http.GetStringAsync(new Uri(Emulator.BaseUrl, "_emulator/events")))!.AsArray();
        Assert.Equal("delivered", listed.Single()!["delivery_status"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeliverAsync_WrongSecret_ReceiverRejectsSignature()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_receiver");
        Emulator.SetWebhook(receiver.Url, "whsec_other");

        var status = await Emulator.DeliverAsync(Emulator.CreateEvent("payout.failed", Payout("po_s")));

        Assert.Equal(400, status);
        Assert.Equal(1, receiver.BadSignatures);
        Assert.Empty(receiver.Received);
    }
}
