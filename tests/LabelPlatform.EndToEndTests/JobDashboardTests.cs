using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>The researcher's job page offers to add items only while the job takes them.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class JobDashboardTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task CompletedJob_OffersNoUpload_WhileAJobThatTakesItemsDoes()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, labels: ["cat", "dog"]);
        using (var zip = TestZips.Images(2))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");
        await Assertions.Expect(page.Locator(".lp-upload-items")).ToContainTextAsync("Add images");

        await using (var db = app.Database.CreateContext())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Completed));
        }

        await page.ReloadAsync();
        // The page has loaded the job (its quality panel is there) and shows no upload panel.
        await Assertions.Expect(page.Locator(".lp-quality")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".lp-upload-items")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByText("Add images")).ToHaveCountAsync(0);
    }
}
