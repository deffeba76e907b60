using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;

namespace LabelPlatform.IntegrationTests.Api;

/// <summary>Forgot password, end to end: the app's SMTP client mails the link to a real SMTP server (smtp4dev), the test reads it there.</summary>
public class PasswordResetTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Forgot_RealAndUnknownAddress_SameAnswerAndOnlyTheRealOneGetsMail()
    {
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var nobody = $"nobody-{Guid.NewGuid():N}@example.test";
        using var browser = factory.CreateBrowser();

        using var real = await browser.PostAsJsonAsync("/api/account/forgot", new { email = worker.Email });
        using var unknown = await browser.PostAsJsonAsync("/api/account/forgot", new { email = nobody });

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (real.StatusCode, unknown.StatusCode));
        Assert.Equal(await real.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        var mail = await MailSink.Shared.WaitForAsync(worker.Email!, "Choose a new LabelPlatform password");
        Assert.Contains("The link works once, for an hour.", mail.Text);
        Assert.Empty(await MailSink.Shared.ToAsync(nobody));
    }

    [Fact]
    public async Task Reset_WithTheMailedLink_NewPasswordWorksOldDoesNotAndTheLinkWorksOnce()
    {
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        using var browser = factory.CreateBrowser();
        (await browser.PostAsJsonAsync("/api/account/forgot", new { email = worker.Email })).Dispose();
        var (email, token) = TokenLinks.Parse((await MailSink.Shared.WaitForAsync(worker.Email!, "Choose a new LabelPlatform password")).Text, "/account/reset");
        Assert.Equal(worker.Email, email);

        // Too short first: refused with the rule, the link still good.
        using (var tooShort = await browser.PostAsJsonAsync("/api/account/reset", new { email, token, password = "short" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, tooShort.StatusCode);
            Assert.Contains("at least 12 characters", await DetailAsync(tooShort));
        }

        const string chosen = "a-new-password-of-mine";
        using (var reset = await browser.PostAsJsonAsync("/api/account/reset", new { email, token, password = chosen }))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        using (var old = await browser.PostAsJsonAsync("/api/account/login", new { email, password = LabelPlatformFactory.Password, rememberMe = false }))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
        }

        using (var fresh = await browser.PostAsJsonAsync("/api/account/login", new { email, password = chosen, rememberMe = false }))
        {
            Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        }

        // Used once: the same link, or a changed one, sets nothing.
        foreach (var again in new[] { token, TokenLinks.Tampered(token) })
        {
            using var replay = await browser.PostAsJsonAsync("/api/account/reset", new { email, token = again, password = "someone-elses-choice" });
            Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
            Assert.Equal("This link has expired or was already used. Ask for a new one on the sign-in page.", await DetailAsync(replay));
        }
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()!;
}
