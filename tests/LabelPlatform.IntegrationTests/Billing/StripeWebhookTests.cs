using System.Text.Json.Nodes;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.Billing.Stripe;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.StripeEmulator;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>The Stripe webhook endpoint: signatures, replays, and events that arrive out of order.</summary>
public class StripeWebhookTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private SettlePayouts Settle => factory.Services.GetRequiredService<SettlePayouts>();

    private async Task<(Guid Organisation, string Session, EmulatedEvent Paid)> PaidCheckoutAsync(long amount)
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var started = await factory.Services.GetRequiredService<AddFunds>().HandleAsync(researcher.OrganisationId!.Value, researcher.Id, amount, BillingData.Usd);
        Assert.True(started.IsSuccess, started.Error?.Message);
        factory.Emulator.CompleteCheckout(started.Value!.Id);
        return (researcher.OrganisationId.Value, started.Value.Id, factory.Emulator.EventFor("checkout.session.completed", started.Value.Id));
    }

    private Task<long> EventsRecordedAsync(string eventId) => factory.ScalarAsync<long>("SELECT count(*) FROM stripe_events WHERE id = $1", eventId);

    private async Task<(string Status, long AmountReversed, string? Transfer)> PayoutAsync(Guid payoutId)
    {
        var status = await factory.ScalarAsync<string>("SELECT status FROM payouts WHERE id = $1", payoutId);
        var reversed = await factory.ScalarAsync<long>("SELECT amount_reversed FROM payouts WHERE id = $1", payoutId);
        var transfer = await factory.ScalarAsync<string>("SELECT coalesce(stripe_transfer_id, '') FROM payouts WHERE id = $1", payoutId);
        return (status, reversed, transfer.Length > 0 ? transfer : null);
    }

    private Task<Guid> PayoutIdAsync(string workerId) => factory.ScalarAsync<Guid>("SELECT id FROM payouts WHERE worker_id = $1 ORDER BY created_at DESC LIMIT 1", workerId);

    private List<EmulatedEvent> ReversalEvents(string transferId) =>
        factory.Emulator.Events.Where(e => e.Type == "transfer.reversed" && e.Json.Contains(transferId, StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Webhook_BodyOverTheLimit_413WithNothingDone()
    {
        var (organisation, session, paid) = await PaidCheckoutAsync(30_00);

        // A genuine, correctly signed event padded to 40 MB: its size alone refuses it, declared or streamed.
        var padded = paid.Json + new string(' ', 40 * 1024 * 1024);
        var declared = await PostWebhookAsync(padded, BillingData.Sign(padded), declareLength: true);
        var streamed = await PostWebhookAsync(padded, BillingData.Sign(padded), declareLength: false);

        Assert.Equal((413, 413), (declared.Status, streamed.Status));
        Assert.Contains("at most 512 KiB", declared.Body, StringComparison.Ordinal);
        Assert.Equal(0, await factory.FundsAsync(organisation));
        Assert.Equal(0, await EventsRecordedAsync(paid.Id));
        Assert.Equal("Open", await factory.ScalarAsync<string>("SELECT status FROM checkout_sessions WHERE id = $1", session));
        Assert.Equal(200, (await factory.DeliverAsync(paid)).Status);
        Assert.Equal(30_00, await factory.FundsAsync(organisation));
    }

    private async Task<(int Status, string Body)> PostWebhookAsync(string body, string signature, bool declareLength)
    {
        using var client = factory.CreateClient();
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        HttpContent content = declareLength ? new ByteArrayContent(bytes) : new StreamContent(new UnknownLengthStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, LabelPlatform.Web.Api.BillingApi.WebhookPath) { Content = content };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        using var response = await client.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A body sent without a Content-Length, as a chunked upload is.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task Webhook_BadSignature_400AndNoEffect()
    {
        var (organisation, session, paid) = await PaidCheckoutAsync(40_00);
        var tampered = new EmulatedEvent { Id = paid.Id, Type = paid.Type, Json = paid.Json.Replace("\"amount_total\":4000", "\"amount_total\":400000", StringComparison.Ordinal) };
        Assert.NotEqual(paid.Json, tampered.Json);

        var wrongSecret = await factory.DeliverAsync(paid, BillingData.Sign(paid.Json, "whsec_someone_else"));
        var changedBody = await factory.DeliverAsync(tampered, BillingData.Sign(paid.Json));
        var noHeader = await factory.DeliverAsync(paid, "");
        var stale = await factory.DeliverAsync(paid, BillingData.Sign(paid.Json, at: DateTimeOffset.UtcNow.AddHours(-1)));

        Assert.All(new[] { wrongSecret, changedBody, noHeader, stale }, r => Assert.Equal(400, r.Status));
        Assert.Equal(0, await factory.FundsAsync(organisation));
        Assert.Equal(0, await EventsRecordedAsync(paid.Id));
        Assert.Equal("Open", await factory.ScalarAsync<string>("SELECT status FROM checkout_sessions WHERE id = $1", session));

        // The genuine delivery still works: the refused ones used nothing up.
        Assert.Equal(200, (await factory.DeliverAsync(paid)).Status);
        Assert.Equal(40_00, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task Webhook_DelayedPaymentCompletesUnpaidThenSucceeds_CreditedOnceWhenPaid()
    {
        var (organisation, _, paid) = await PaidCheckoutAsync(30_00);
        var session = JsonNode.Parse(paid.Json)!["data"]!["object"]!.DeepClone().AsObject();
        session["payment_status"] = "unpaid";
        var completedUnpaid = factory.Emulator.CreateEvent("checkout.session.completed", session);
        var succeeded = factory.Emulator.CreateEvent("checkout.session.async_payment_succeeded", JsonNode.Parse(paid.Json)!["data"]!["object"]!.DeepClone().AsObject());

        Assert.Equal(200, (await factory.DeliverAsync(completedUnpaid)).Status);
        Assert.Equal(0, await factory.FundsAsync(organisation));
        Assert.Equal(200, (await factory.DeliverAsync(succeeded)).Status);
        Assert.Equal(200, (await factory.DeliverAsync(paid)).Status);

        Assert.Equal(30_00, await factory.FundsAsync(organisation));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Webhook_CheckoutCompletedReplayed_CreditsOnce()
    {
        var (organisation, _, paid) = await PaidCheckoutAsync(75_00);
        var again = factory.Emulator.CreateEvent(paid.Type, JsonNode.Parse(paid.Json)!["data"]!["object"]!.DeepClone().AsObject());

        var first = await factory.DeliverAsync(paid);
        var replay = await factory.DeliverAsync(paid);
        var otherEventSameSession = await factory.DeliverAsync(again);

        Assert.Equal((200, 200, 200), (first.Status, replay.Status, otherEventSameSession.Status));
        Assert.Contains("Processed", first.Body);
        Assert.Contains("Duplicate", replay.Body);
        Assert.Equal(75_00, await factory.FundsAsync(organisation));
        Assert.Equal(1, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_transactions WHERE organisation_id = $1 AND kind = 'Funding'", organisation));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Webhook_TransferReversedWhilePayoutPending_RecordsTheTransferThenTheReversal()
    {
        var worker = (await factory.PayableWorkersAsync(1, 1_000))[0];
        await Settle.StartAsync(CancellationToken.None);
        var payoutId = await PayoutIdAsync(worker.WorkerId);
        var key = await factory.ScalarAsync<string>("SELECT idempotency_key FROM payouts WHERE id = $1", payoutId);

        // Stripe made the transfer, then settlement died before writing it down.
        var made = await factory.Services.GetRequiredService<IStripeGateway>().CreateTransferAsync(1_000, BillingData.Usd, worker.StripeAccountId, payoutId, key, CancellationToken.None);
        Assert.True(made.Succeeded, made.Error);
        factory.Emulator.ReverseTransfer(made.Id!, 400);
        var delivered = await factory.DeliverAsync(Assert.Single(ReversalEvents(made.Id!)));

        Assert.Equal(200, delivered.Status);
        Assert.Equal(("Paid", 400L, made.Id), await PayoutAsync(payoutId));
        Assert.Equal(400, await factory.PayableAsync(worker.WorkerId));
        Assert.Equal(0, await factory.InTransitAsync(worker.WorkerId));

        // The next run sends nothing more to this worker: one transfer, and the 4.00 back is below the minimum.
        await Settle.RunAsync();
        Assert.Single(factory.Emulator.Transfers, t => t.Destination == worker.StripeAccountId);
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Webhook_TwoReversalsInReverseOrderAndReplayed_CreditEachCentOnce()
    {
        var worker = (await factory.PayableWorkersAsync(1, 1_000))[0];
        await Settle.RunAsync();
        var payoutId = await PayoutIdAsync(worker.WorkerId);
        var transfer = (await PayoutAsync(payoutId)).Transfer!;
        factory.Emulator.ReverseTransfer(transfer, 100);
        factory.Emulator.ReverseTransfer(transfer, 200);
        var events = ReversalEvents(transfer);
        Assert.Equal(2, events.Count);

        Assert.Equal(200, (await factory.DeliverAsync(events[1])).Status);
        Assert.Equal(200, (await factory.DeliverAsync(events[0])).Status);
        Assert.Equal(200, (await factory.DeliverAsync(events[1])).Status);

        Assert.Equal(("Paid", 300L, transfer), await PayoutAsync(payoutId));
        Assert.Equal(300, await factory.PayableAsync(worker.WorkerId));

        factory.Emulator.ReverseTransfer(transfer);
        Assert.Equal(200, (await factory.DeliverAsync(ReversalEvents(transfer)[2])).Status);
        Assert.Equal(("Reversed", 1_000L, transfer), await PayoutAsync(payoutId));
        Assert.Equal(1_000, await factory.PayableAsync(worker.WorkerId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Webhook_AccountUpdatedAfterOnboarding_EnablesPayouts()
    {
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var link = await factory.Services.GetRequiredService<ConnectPayoutAccount>().HandleAsync(worker.Id, "DE");
        Assert.True(link.IsSuccess, link.Error?.Message);
        var account = await factory.ScalarAsync<string>("SELECT stripe_account_id FROM payout_accounts WHERE worker_id = $1", worker.Id);
        Assert.False(await factory.ScalarAsync<bool>("SELECT payouts_enabled FROM payout_accounts WHERE worker_id = $1", worker.Id));

        factory.Emulator.CompleteOnboarding(account);
        var evt = factory.Emulator.EventFor("account.updated", account);
        var atPlatformEndpoint = await factory.DeliverAsync(evt, BillingData.Sign(evt.Json, BillingFactory.ConnectWebhookSecret), LabelPlatform.Web.Api.BillingApi.WebhookPath);
        Assert.Equal(400, atPlatformEndpoint.Status);
        Assert.False(await factory.ScalarAsync<bool>("SELECT payouts_enabled FROM payout_accounts WHERE worker_id = $1", worker.Id));
        var delivered = await factory.DeliverAsync(evt);

        Assert.Equal(200, delivered.Status);
        Assert.True(await factory.ScalarAsync<bool>("SELECT payouts_enabled FROM payout_accounts WHERE worker_id = $1", worker.Id));
        var created = Assert.Single(factory.Emulator.Accounts, a => a.Id == account);
        Assert.Equal(("DE", "DE"), (created.Country, await factory.ScalarAsync<string>("SELECT country FROM payout_accounts WHERE worker_id = $1", worker.Id)));
        Assert.EndsWith("@example.test", created.Email, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_AccountUpdatedOutOfOrder_AnOlderEventDoesNotUndoANewerOne()
    {
        var worker = (await factory.InsertWorkersAsync(1))[0];
        Assert.True((await factory.Services.GetRequiredService<ConnectPayoutAccount>().HandleAsync(worker.Id, "US")).IsSuccess);
        var account = await factory.ScalarAsync<string>("SELECT stripe_account_id FROM payout_accounts WHERE worker_id = $1", worker.Id);
        factory.Emulator.AdvanceTime(TimeSpan.FromMinutes(1));
        // Stripe described the account as not yet payable, and a minute later as payable; the older event comes last.
        var older = factory.Emulator.CreateEvent("account.updated", factory.Emulator.State.Read(factory.Emulator.State.GetAccount(account).ToJson), account);
        factory.Emulator.AdvanceTime(TimeSpan.FromMinutes(1));
        factory.Emulator.CompleteOnboarding(account);
        var newer = factory.Emulator.EventFor("account.updated", account);

        Assert.Equal(200, (await factory.DeliverAsync(newer)).Status);
        Assert.Equal(200, (await factory.DeliverAsync(older)).Status);

        Assert.True(await factory.ScalarAsync<bool>("SELECT payouts_enabled FROM payout_accounts WHERE worker_id = $1", worker.Id));
    }

    [Fact]
    public async Task ConnectPayoutAccount_NoCountry_RefusedWithAMessageAndNoAccountMade()
    {
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var accounts = factory.Emulator.Accounts.Count;

        var none = await factory.Services.GetRequiredService<ConnectPayoutAccount>().HandleAsync(worker.Id, null);
        var unknown = await factory.Services.GetRequiredService<ConnectPayoutAccount>().HandleAsync(worker.Id, "XX");

        Assert.Contains("country", none.Error!.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(unknown.IsSuccess);
        Assert.Equal(accounts, factory.Emulator.Accounts.Count);
    }

    [Fact]
    public async Task ConnectPayoutAccount_StripeDown_AMessageNotAnException()
    {
        var worker = (await factory.InsertWorkersAsync(1))[0];
        factory.Emulator.FailNext("/v1/accounts", 1, 503, "api_error", null, "Service unavailable.");

        var result = await factory.Services.GetRequiredService<ConnectPayoutAccount>().HandleAsync(worker.Id, "US");

        Assert.False(result.IsSuccess);
        Assert.Contains("try again", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_SecretBeingRolled_BothSecretsAccepted_OthersRefused()
    {
        var (organisation, _, paid) = await PaidCheckoutAsync(12_00);
        var (other, _, second) = await PaidCheckoutAsync(13_00);

        var wrong = await factory.DeliverAsync(paid, BillingData.Sign(paid.Json, "whsec_someone_else"));
        var previous = await factory.DeliverAsync(paid, BillingData.Sign(paid.Json, BillingFactory.PreviousWebhookSecret));
        var current = await factory.DeliverAsync(second);

        Assert.Equal((400, 200, 200), (wrong.Status, previous.Status, current.Status));
        Assert.Equal((12_00L, 13_00L), (await factory.FundsAsync(organisation), await factory.FundsAsync(other)));
    }

    [Fact]
    public async Task Webhook_LiveModeEventAtATestModePlatform_AcknowledgedAndNotActedOn()
    {
        var (organisation, session, paid) = await PaidCheckoutAsync(20_00);
        var live = paid.Json.Replace("\"livemode\":false", "\"livemode\":true", StringComparison.Ordinal).Replace(paid.Id, paid.Id + "live", StringComparison.Ordinal);
        var liveEvent = new EmulatedEvent { Id = paid.Id + "live", Type = paid.Type, Json = live };

        var delivered = await factory.DeliverAsync(liveEvent);

        Assert.Equal(200, delivered.Status);
        Assert.Contains("OtherMode", delivered.Body, StringComparison.Ordinal);
        Assert.Equal(0, await factory.FundsAsync(organisation));
        Assert.Equal("Open", await factory.ScalarAsync<string>("SELECT status FROM checkout_sessions WHERE id = $1", session));
        Assert.Equal(200, (await factory.DeliverAsync(paid)).Status);
        Assert.Equal(20_00, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task Webhook_ReversalArrivesWhileSettlementStillAwaitsStripe_AppliedAfterThePayoutIsRecorded()
    {
        var worker = (await factory.PayableWorkersAsync(1, 1_000))[0];
        await Settle.RunAsync(); // pays anything earlier tests left due, so the held call is this worker's
        var fresh = (await factory.PayableWorkersAsync(1, 900))[0];
        factory.Emulator.HoldAfterCommit("/v1/transfers");
        var settling = Settle.RunAsync();
        await factory.Emulator.WaitForHeldAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // Stripe made the transfer and already reversed part of it; settlement has not heard back yet.
        var transfer = Assert.Single(factory.Emulator.Transfers, t => t.Destination == fresh.StripeAccountId);
        factory.Emulator.ReverseTransfer(transfer.Id, 250);
        var delivering = factory.DeliverAsync(Assert.Single(ReversalEvents(transfer.Id)));
        await Task.Delay(300);
        Assert.False(delivering.IsCompleted, "the webhook should wait for the payout settlement is sending");
        factory.Emulator.ReleaseHeld();
        var result = await settling;
        var delivered = await delivering;

        Assert.Equal(1, result.Paid);
        Assert.Equal(200, delivered.Status);
        var payoutId = await PayoutIdAsync(fresh.WorkerId);
        Assert.Equal(("Paid", 250L, transfer.Id), await PayoutAsync(payoutId));
        Assert.Equal(250, await factory.PayableAsync(fresh.WorkerId));
        Assert.Equal(0, await factory.InTransitAsync(fresh.WorkerId));
        Assert.Equal(1, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_transactions WHERE payout_id = $1 AND kind = 'PayoutSent'", payoutId));
        Assert.Single(factory.Emulator.Transfers, t => t.Destination == fresh.StripeAccountId);
        Assert.Equal(0, await factory.PayableAsync(worker.WorkerId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Webhook_BankRefusedThePayout_WorkerToldWhyAndTheLedgerDoesNotMove()
    {
        var worker = (await factory.PayableWorkersAsync(1, 700))[0];
        await Settle.RunAsync();
        var payoutId = await PayoutIdAsync(worker.WorkerId);
        var clearing = await factory.ClearingAsync();
        var failed = factory.Emulator.CreateEvent("payout.failed", new JsonObject
        {
            ["id"] = "po_" + Guid.NewGuid().ToString("N")[..16],
            ["object"] = "payout",
            ["amount"] = 700,
            ["currency"] = "usd",
            ["status"] = "failed",
            ["failure_code"] = "account_closed",
            ["failure_message"] = "The bank account has been closed.",
        }, worker.StripeAccountId);

        var delivered = await factory.DeliverAsync(failed);

        Assert.Equal(200, delivered.Status);
        Assert.Equal("Paid", (await PayoutAsync(payoutId)).Status);
        Assert.Contains("The bank account has been closed.", await factory.ScalarAsync<string>("SELECT failure_reason FROM payouts WHERE id = $1", payoutId));
        Assert.Contains("bank details", await factory.ScalarAsync<string>("SELECT requirements FROM payout_accounts WHERE worker_id = $1", worker.WorkerId));
        Assert.Equal(0, await factory.PayableAsync(worker.WorkerId));
        Assert.Equal(clearing, await factory.ClearingAsync());
    }
}
