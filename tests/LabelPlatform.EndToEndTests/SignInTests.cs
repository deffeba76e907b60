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
        (string ReturnUrl, string Landing)[] cases =
        [
            ("/\\evil.test/steal", "/work"),
            ("/\t/evil.test/steal", "/work"),
            ("//evil.test/steal", "/work"),
            ("/work/earnings", "/work/earnings"),
        ];

        foreach (var (returnUrl, landing) in cases)
        {
            var page = await app.NewPageAsync();
            await page.GotoAsync("/account/login?returnUrl=" + Uri.EscapeDataString(returnUrl));
            await page.GetByLabel("Email").FillAsync(worker.Email!);
            await page.GetByLabel("Password").FillAsync(LabelPlatformFactory.Password);
            await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == landing);
            Assert.Equal(new Uri(app.BaseUrl).Authority, new Uri(page.Url).Authority);
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
