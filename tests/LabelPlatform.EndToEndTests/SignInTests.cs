using System.Text.RegularExpressions;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Testing;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>Signing in goes back to the page that asked for it, and never to another site.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class SignInTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task SignIn_ReturnUrlThatBrowsersReadAsAnotherSite_LandsOnTheHomePageHere()
    {
        var worker = await app.SignUpAsync(AccountKind.Worker);
        (string ReturnUrl, string Landing, string Heading)[] cases =
        [
            ("/\\evil.test/steal", "/work", "Available work"),
            ("/\t/evil.test/steal", "/work", "Available work"),
            ("//evil.test/steal", "/work", "Available work"),
            ("/work/earnings", "/work/earnings", "Earnings"), // also opens where Stripe is not configured
        ];

        foreach (var (returnUrl, landing, heading) in cases)
        {
            var page = await app.NewPageAsync();
            await page.GotoAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
            await page.GetByLabel("Email").FillAsync(worker.Email!);
            await page.GetByLabel("Password").FillAsync(LabelPlatformFactory.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(app.BaseUrl + landing) + "$"));
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = heading, Exact = true })).ToBeVisibleAsync();
            if (landing == "/work/earnings")
            {
                // The browser tests' app has no Stripe key: the page works and says payouts are off.
                await Assertions.Expect(page.Locator(".lp-payments-off")).ToContainTextAsync("Payments are not configured on this platform");
            }
        }
    }

    [BrowserFact]
    public async Task SignOut_FromTheMenu_EndsTheSession()
    {
        var page = await app.SignedInPageAsync(AccountKind.Researcher);
        await page.GotoAsync("/jobs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        // The address the page shows (polled), not a navigation event: sign-out's redirect can finish before a wait for it starts.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(app.BaseUrl) + "/?$"));

        await page.GotoAsync("/jobs");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(Regex.Escape(app.BaseUrl + "/account/login")));
    }

    [BrowserFact]
    public async Task ForgotPassword_FromTheSignInPage_MailsALinkWhoseFormSetsTheNewPassword()
    {
        var worker = await app.SignUpAsync(AccountKind.Worker);
        var page = await app.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.Locator(".lp-forgot").ClickAsync();
        // The address changes before the new page replaces the sign-in form (whose Email field has the same label).
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Forgot your password?" })).ToBeVisibleAsync();
        await page.GetByLabel("Email").FillAsync(worker.Email!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send the link" }).ClickAsync();
        await Assertions.Expect(page.Locator(".lp-forgot-message")).ToContainTextAsync("If an account uses that address, a link to choose a new password is on its way.");

        var mail = await MailSink.Shared.WaitForAsync(worker.Email!, "Choose a new LabelPlatform password");
        var link = Regex.Match(mail.Text, @"http://localhost(?<path>/account/reset\?\S+)").Groups["path"].Value;
        await page.GotoAsync(link);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Choose a new password" })).ToBeVisibleAsync();
        await page.GetByLabel("New password").FillAsync("my-browser-chosen-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Set the password" }).ClickAsync();
        await Assertions.Expect(page.Locator(".lp-reset-message")).ToContainTextAsync("Your password is changed.");

        var signIn = await page.Context.APIRequest.PostAsync("/api/account/login", new() { DataObject = new { email = worker.Email, password = "my-browser-chosen-password", rememberMe = false } });
        Assert.Equal(200, signIn.Status);
    }
}
