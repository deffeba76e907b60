using System.Net;
using Stripe;
using Stripe.Checkout;

namespace LabelPlatform.StripeEmulator.Tests;

public sealed class CheckoutTests : EmulatorTestBase
{
    private Task<Session> NewSessionAsync() => Client.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
    {
        Mode = "payment",
        SuccessUrl = "https://app.example/paid?session={CHECKOUT_SESSION_ID}",
        CancelUrl = "https://app.example/cancelled",
        ClientReferenceId = "project-42",
        CustomerEmail = "owner@example.com",
        Metadata = new() { ["project_id"] = "42" },
        LineItems =
        [
            new SessionLineItemOptions
            {
                Quantity = 3,
                PriceData = new SessionLineItemPriceDataOptions
                {
                    Currency = "eur",
                    UnitAmount = 1250,
                    ProductData = new SessionLineItemPriceDataProductDataOptions { Name = "Labelling credit" },
                },
            },
        ],
    });

    [Fact]
    public async Task CreateSession_PaymentMode_ReturnsOpenUnpaidSession()
    {
        var session = await NewSessionAsync();

        Assert.StartsWith("cs_test_", session.Id);
        Assert.Equal("open", session.Status);
        Assert.Equal("unpaid", session.PaymentStatus);
        Assert.Equal(3750, session.AmountTotal);
        Assert.Equal("eur", session.Currency);
        Assert.Equal("project-42", session.ClientReferenceId);
        Assert.Equal("42", session.Metadata["project_id"]);
        Assert.Equal("payment", session.Mode);
        Assert.Equal(new Uri(Emulator.BaseUrl, $"checkout/pay/{session.Id}").ToString(), session.Url);
        Assert.Equal(session.Id, (await Client.V1.Checkout.Sessions.GetAsync(session.Id)).Id);
    }

    [Fact]
    public async Task PayPage_Submitted_CompletesSessionRedirectsAndSendsWebhook()
    {
        await using var receiver = await WebhookReceiver.StartAsync("whsec_emulator");
        Emulator.SetWebhook(receiver.Url, "whsec_emulator");
        var session = await NewSessionAsync();

        var page = await Http.GetStringAsync(session.Url);
        using var paid = await Http.PostAsync(session.Url, null);
        var evt = await receiver.WaitForAsync("checkout.session.completed");
        var fetched = await Client.V1.Checkout.Sessions.GetAsync(session.Id);

        Assert.Contains("Stripe test checkout", page);
        Assert.Contains("37.50 EUR", page);
        Assert.Contains("id=\"pay\"", page);
        Assert.Equal(HttpStatusCode.SeeOther, paid.StatusCode);
        Assert.Equal($"https://app.example/paid?session={session.Id}", paid.Headers.Location!.ToString());
        Assert.Equal("complete", fetched.Status);
        Assert.Equal("paid", fetched.PaymentStatus);
        var completed = Assert.IsType<Session>(evt.Data.Object);
        Assert.Equal(session.Id, completed.Id);
        Assert.Equal("paid", completed.PaymentStatus);
        Assert.Equal("project-42", completed.ClientReferenceId);
    }

    [Fact]
    public async Task CreateSession_LineItemWithoutName_FailsNamingParam()
    {
        var error = await Assert.ThrowsAsync<StripeException>(() => Client.V1.Checkout.Sessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "payment",
            SuccessUrl = "https://app.example/paid",
            LineItems = [new SessionLineItemOptions { Quantity = 1, PriceData = new() { Currency = "usd", UnitAmount = 100 } }],
        }));

        Assert.Equal("parameter_missing", error.StripeError.Code);
        Assert.Equal("line_items[0][price_data][product_data][name]", error.StripeError.Param);
    }
}
