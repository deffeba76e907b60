using LabelPlatform.Accounts.SignUp;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>Money through the browser and Stripe's pages (the local emulator): a card top-up and a payout account.</summary>
public sealed class BillingTests(StripeBrowserFixture app) : IClassFixture<StripeBrowserFixture>
{
    [Fact]
    public async Task ResearcherAddsFundsByCard_WorkerConnectsPayoutAccount()
    {
        var researcher = await app.SignedInPageAsync(AccountKind.Researcher);
        await researcher.GotoAsync("/billing");
        await Assertions.Expect(researcher.Locator(".lp-no-funds")).ToBeVisibleAsync();
        await researcher.GetByLabel("Amount").FillAsync("20.00");
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Add funds", Exact = true }).ClickAsync();

        await researcher.WaitForURLAsync($"{app.Stripe.BaseUrl}checkout/pay/**");
        await researcher.Locator("#pay").ClickAsync();

        await researcher.WaitForURLAsync($"{app.BaseUrl}/billing?checkout=**");
        await Assertions.Expect(researcher.Locator(".lp-checkout-returned")).ToContainTextAsync("Payment received");
        var usd = researcher.Locator("[data-currency=USD]");
        await Assertions.Expect(usd.Locator("[data-stat=available] .lp-stat-value")).ToHaveTextAsync("20.00 USD", new() { Timeout = 30_000 });
        await Assertions.Expect(usd.Locator("[data-stat=funded] .lp-stat-value")).ToHaveTextAsync("20.00 USD");
        await Assertions.Expect(researcher.Locator(".lp-ledger-lines")).ToContainTextAsync("Card payment");
        await Assertions.Expect(researcher.Locator(".lp-ledger-lines")).ToContainTextAsync("+20.00 USD");

        var worker = await app.SignedInPageAsync(AccountKind.Worker);
        await worker.GotoAsync("/work/earnings");
        await Assertions.Expect(worker.Locator(".lp-payout-rules")).ToContainTextAsync("Settlement runs daily");
        await worker.GetByRole(AriaRole.Button, new() { Name = "Connect payout account" }).ClickAsync();

        await worker.WaitForURLAsync($"{app.Stripe.BaseUrl}connect/onboarding/**");
        await worker.Locator("#complete").ClickAsync();

        await worker.WaitForURLAsync($"{app.BaseUrl}/work/earnings?connect=done");
        await Assertions.Expect(worker.Locator(".lp-payouts-enabled")).ToContainTextAsync("Payouts enabled");
        await Assertions.Expect(worker.GetByRole(AriaRole.Button, new() { Name = "Connect payout account" })).ToHaveCountAsync(0);
    }
}
