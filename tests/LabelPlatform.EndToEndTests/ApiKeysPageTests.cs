using System.Net;
using System.Net.Http.Headers;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Exports.Files;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>The researcher's API keys page and the job page's export panel, driven as a researcher would.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ApiKeysPageTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task Key_CreatedOnThePage_ShownOnce_CallsTheApi_UntilRevokedThere()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var page = await app.SignInAsync(researcher);
        await page.GotoAsync("/api-keys");

        await page.Locator(".lp-key-name input").FillAsync("nightly training");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create key" }).ClickAsync();
        var secretField = page.Locator(".lp-secret input");
        await Assertions.Expect(secretField).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^lp_"));
        var secret = await secretField.InputValueAsync();
        await Assertions.Expect(page.Locator(".lp-keys")).ToContainTextAsync("nightly training");

        using var api = new HttpClient { BaseAddress = new Uri(app.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        using (var allowed = await api.GetAsync("/api/v1/jobs"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        // Shown once: a fresh visit lists the key by its first characters only.
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".lp-keys")).ToContainTextAsync(secret[..9] + "…");
        await Assertions.Expect(page.Locator(".lp-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await page.ContentAsync(), StringComparison.Ordinal);

        await page.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.Locator(".lp-keys")).ToContainTextAsync("revoked");
        using var refused = await api.GetAsync("/api/v1/jobs");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [BrowserFact]
    public async Task ExportPanel_PreparesAnExport_ShowsItUnderWay_ThenOffersTheDownload()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, labels: ["cat", "dog"]);
        using (var zip = TestZips.Images(3))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");
        await page.Locator(".lp-export-start").ClickAsync();
        var row = page.Locator(".lp-export-row").First;
        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "queued");
        await Assertions.Expect(row).ToContainTextAsync("waiting to start");

        // The background worker's part (tests run background jobs themselves).
        Guid exportId;
        await using (var db = app.Database.CreateContext())
        {
            exportId = await db.ExportFiles.Where(f => f.JobId == job.Id).Select(f => f.Id).SingleAsync();
        }

        await app.Services.GetRequiredService<ExportFileJob>().RunAsync(exportId, CancellationToken.None);

        await Assertions.Expect(row).ToHaveAttributeAsync("data-status", "ready");
        await Assertions.Expect(row).ToContainTextAsync("3 items");
        var download = await page.RunAndWaitForDownloadAsync(() => row.Locator(".lp-export-download").ClickAsync());
        Assert.EndsWith("-results.csv", download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        Assert.Equal(4, (await File.ReadAllLinesAsync(path)).Length);
    }
}
