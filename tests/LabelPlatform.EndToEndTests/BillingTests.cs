using System.Text.RegularExpressions;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>Money through the browser and Stripe's pages (the local emulator): a card top-up and a payout account.</summary>
public sealed class BillingTests(StripeBrowserFixture app) : IClassFixture<StripeBrowserFixture>
{
    [BrowserFact]
    public async Task ResearcherAddsFundsByCard_WorkerConnectsPayoutAccount()
    {
        var researcher = await app.SignedInPageAsync(AccountKind.Researcher);
        await researcher.GotoAsync("/billing");
        await Assertions.Expect(researcher.Locator(".lp-no-funds")).ToBeVisibleAsync();
        await researcher.Locator(".lp-add-funds").GetByLabel("Amount").FillAsync("20.00");
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Add funds", Exact = true }).ClickAsync();

        // The address as the page shows it (state), not a navigation event that may already have passed.
        await Assertions.Expect(researcher).ToHaveURLAsync(new Regex("^" + Regex.Escape($"{app.Stripe.BaseUrl}checkout/pay/")));
        await researcher.Locator("#pay").ClickAsync();

        await Assertions.Expect(researcher).ToHaveURLAsync(new Regex("^" + Regex.Escape($"{app.BaseUrl}/billing?checkout=")));
        await Assertions.Expect(researcher.Locator(".lp-checkout-returned")).ToContainTextAsync("Payment received");
        var usd = researcher.Locator("[data-currency=USD]");
        await Assertions.Expect(usd.Locator("[data-stat=available] .lp-stat-value")).ToHaveTextAsync("20.00 USD");
        await Assertions.Expect(usd.Locator("[data-stat=funded] .lp-stat-value")).ToHaveTextAsync("20.00 USD");
        await Assertions.Expect(researcher.Locator(".lp-ledger-lines")).ToContainTextAsync("Card payment");
        await Assertions.Expect(researcher.Locator(".lp-ledger-lines")).ToContainTextAsync("+20.00 USD");

        // Unused funds go back to the card they came from.
        var refund = researcher.Locator(".lp-refund-funds");
        await Assertions.Expect(refund.Locator(".lp-refundable")).ToContainTextAsync("20.00 USD can be refunded now");
        await refund.GetByLabel("Amount to refund").FillAsync("5.00");
        await refund.Locator(".lp-refund-submit").ClickAsync();
        await Assertions.Expect(refund.Locator(".lp-refund-done")).ToContainTextAsync("5.00 USD refunded to 1 card payment.");
        await Assertions.Expect(usd.Locator("[data-stat=available] .lp-stat-value")).ToHaveTextAsync("15.00 USD");
        await Assertions.Expect(researcher.Locator(".lp-ledger-lines")).ToContainTextAsync("Refund to card");
        Assert.Equal(5_00, Assert.Single(app.Stripe.Refunds).Amount);
        await SaveScreenshotAsync(researcher, "billing.png");

        var worker = await app.SignedInPageAsync(AccountKind.Worker);
        await worker.GotoAsync("/work/earnings");
        await Assertions.Expect(worker.Locator(".lp-payout-rules")).ToContainTextAsync("Settlement runs daily");
        await Assertions.Expect(worker.GetByRole(AriaRole.Button, new() { Name = "Connect payout account" })).ToBeDisabledAsync();
        await worker.GetByRole(AriaRole.Combobox, new() { Name = "Country you live in" }).ClickAsync();
        await worker.GetByRole(AriaRole.Option, new() { Name = "Germany" }).ClickAsync();
        await Assertions.Expect(worker.GetByRole(AriaRole.Option, new() { Name = "Germany" })).ToHaveCountAsync(0);
        await worker.GetByRole(AriaRole.Button, new() { Name = "Connect payout account" }).ClickAsync();

        await Assertions.Expect(worker).ToHaveURLAsync(new Regex("^" + Regex.Escape($"{app.Stripe.BaseUrl}connect/onboarding/")));
        await worker.Locator("#complete").ClickAsync();

        await Assertions.Expect(worker).ToHaveURLAsync($"{app.BaseUrl}/work/earnings?connect=done");
        await Assertions.Expect(worker.Locator(".lp-payouts-enabled")).ToContainTextAsync("Payouts enabled");
        await Assertions.Expect(worker.GetByRole(AriaRole.Button, new() { Name = "Connect payout account" })).ToHaveCountAsync(0);
        Assert.Contains(app.Stripe.Accounts, a => a.Country == "DE" && a.Onboarded);
        await SaveScreenshotAsync(worker, "earnings.png");
    }

    [BrowserFact]
    public async Task AdminCreditsAnOrganisation_SettlesNow_AndReconciles()
    {
        var organisation = $"Invoiced {Guid.NewGuid():N}"[..20];
        AppUser researcher;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var signedUp = await scope.ServiceProvider.GetRequiredService<SignUp>().HandleAsync(
                new SignUpRequest($"invoiced-{Guid.NewGuid():N}@example.test", LabelPlatformFactory.Password, "Invoiced researcher", AccountKind.Researcher, organisation));
            researcher = signedUp.Value!;
        }

        var admin = await app.SignUpAsync(AccountKind.Worker);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByIdAsync(admin.Id))!, Roles.Admin)).Succeeded);
        }

        var page = await app.SignInAsync(admin);
        await page.GotoAsync("/admin/billing");
        var credit = page.Locator(".lp-credit");
        var organisations = credit.Locator("div.mud-select").Filter(new() { HasText = "Organisation" }).First;
        await organisations.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = organisation }).ClickAsync();

        // The choice is the form's once the list has closed and shows it; a click on Credit before that could beat it.
        await Assertions.Expect(page.GetByRole(AriaRole.Option, new() { Name = organisation })).ToHaveCountAsync(0);
        await Assertions.Expect(organisations).ToContainTextAsync(organisation);
        await credit.GetByLabel("Amount").FillAsync("500.00");
        await credit.Locator(".lp-credit-submit").ClickAsync();
        await Assertions.Expect(credit.Locator(".lp-credit-error")).ToContainTextAsync("Say why");

        await credit.GetByLabel("Reason (invoice number, contract)").FillAsync("Invoice INV-42");
        await credit.Locator(".lp-credit-submit").ClickAsync();
        await Assertions.Expect(credit.Locator(".lp-credit-done")).ToHaveTextAsync($"Credited 500.00 USD to {organisation}.");

        await page.Locator(".lp-settle-now").ClickAsync();
        await Assertions.Expect(page.Locator(".lp-settle-message")).ToContainTextAsync("Settlement is queued");
        await Assertions.Expect(page.Locator(".lp-settle-progress-text")).ToContainTextAsync("Payouts today: 0 of 0 finished");

        await page.Locator(".lp-reconcile").ClickAsync();
        await Assertions.Expect(page.Locator(".lp-reconciled")).ToHaveTextAsync("Ledger and Stripe agree.");
        await SaveScreenshotAsync(page, "admin-billing.png");

        var researcherPage = await app.SignInAsync(researcher);
        await researcherPage.GotoAsync("/billing");
        await Assertions.Expect(researcherPage.Locator("[data-currency=USD] [data-stat=available] .lp-stat-value")).ToHaveTextAsync("500.00 USD");
        await Assertions.Expect(researcherPage.Locator(".lp-ledger-lines tbody tr").First).ToContainTextAsync("Credit from LabelPlatform");
        await Assertions.Expect(researcherPage.Locator(".lp-ledger-lines tbody tr").First).ToContainTextAsync("Invoice INV-42");
    }

    [BrowserFact]
    public async Task ResearcherPaysABonus_ShortOfFundsIsExplained_ResubmittingPaysOnce()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, price: 5);
        await using (var zip = TestZips.Images(2))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        // Just enough for the job's budget, so a large bonus is short.
        await app.FundAsync(job.OrganisationId, 50);
        Assert.True((await app.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, job.OrganisationId, JobAction.Launch)).IsSuccess);
        var worker = await app.SignUpAsync(AccountKind.Worker);
        var claim = await app.Services.GetRequiredService<ClaimNextItem>().HandleAsync(job.Id, worker.Id);
        Assert.True((await app.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.Value!.AssignmentId, worker.Id, Answer.OneLabel("cat"))).IsSuccess);

        var page = await app.SignInAsync(researcher);
        await page.GotoAsync("/billing");
        var bonus = page.Locator(".lp-pay-bonus");
        await bonus.GetByLabel("Worker email or id").FillAsync(worker.Email!);
        await bonus.GetByLabel("Bonus").FillAsync("5.00");
        await bonus.Locator(".lp-pay-bonus-submit").ClickAsync();
        await Assertions.Expect(bonus.Locator(".lp-bonus-error")).ToContainTextAsync("This needs 6.00 USD but your organisation's funds are");

        await bonus.GetByLabel("Bonus").FillAsync("0.10");
        await bonus.GetByLabel("Note to the worker (optional)").FillAsync("Careful work");
        await bonus.Locator(".lp-pay-bonus-submit").DblClickAsync();
        await Assertions.Expect(bonus.Locator(".lp-bonus-paid")).ToContainTextAsync($"Paid 0.10 USD to {worker.Email}.");
        await Assertions.Expect(bonus.Locator(".lp-bonus-error")).ToHaveCountAsync(0);

        // The same form sent again (a slow double click, a retry) is the same bonus.
        await bonus.Locator(".lp-pay-bonus-submit").ClickAsync();
        await Assertions.Expect(bonus.Locator(".lp-bonus-paid")).ToContainTextAsync("It was paid once; change the form to pay another bonus.");

        var bonusLines = page.Locator(".lp-ledger-lines tbody tr").Filter(new() { HasText = "Careful work" });
        await Assertions.Expect(bonusLines).ToHaveCountAsync(1);
        await Assertions.Expect(bonusLines).ToContainTextAsync("-0.12 USD");
        await SaveScreenshotAsync(page, "billing-bonus.png");
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("LP_SCREENSHOTS");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name), FullPage = true });
        }
    }
}
