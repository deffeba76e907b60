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
        }
    }

    [BrowserFact]
    public async Task SignOut_FromTheMenu_EndsTheSession()
    {
        var page = await app.SignedInPageAsync(AccountKind.Researcher);
        await page.GotoAsync("/jobs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");

        await page.GotoAsync("/jobs");
        await page.WaitForURLAsync("**/account/login**");
    }
}
