using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>
/// A researcher uploads gold answers and turns on feedback; a worker who misses a gold item is told
/// nothing at once (feedback is delayed and aggregated: <c>GoldTests</c>), and shows up in the
/// researcher's table at once.
/// </summary>
[Collection(WorkspaceCollection.Name)]
public sealed class QualityPanelTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task ResearcherUploadsGoldWithFeedback_WorkerMissesOne_IsToldNothingYetAndTheTableShowsTheirRecord()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, labels: ["cat", "dog", "bird"]);
        using (var zip = TestZips.Images(6))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");
        var panel = page.Locator(".lp-quality");
        var gold = Path.Combine(Path.GetTempPath(), $"gold-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(gold, "item,label,explanation\nimg/000.png,cat,Look at the ears.\nimg/001.png,cat,Look at the ears.\nimg/002.png,horse,\n");
        var upload = panel.GetByRole(AriaRole.Button, new() { Name = "Upload gold answers" });
        await page.ChooseFileAsync(upload, gold);
        await Assertions.Expect(panel.Locator(".lp-gold-message")).ToContainTextAsync("line 4: \"horse\" is not one of this job's labels");

        await File.WriteAllTextAsync(gold, "item,label,explanation\nimg/000.png,cat,Look at the ears.\nimg/001.png,cat,Look at the ears.\n");
        await page.ChooseFileAsync(upload, gold);
        await Assertions.Expect(panel.Locator(".lp-gold-message")).ToHaveTextAsync("2 items are gold now.");
        await Assertions.Expect(panel.Locator(".lp-gold-count")).ToHaveTextAsync("2");
        await Assertions.Expect(panel.Locator(".lp-gold-live")).ToHaveTextAsync("2");
        // Two gold items are too few for long: the panel says so.
        await Assertions.Expect(panel.Locator(".lp-gold-low")).ToContainTextAsync("The gold pool is running low: 2 of 2 gold items are still handed out");

        await panel.GetByLabel("Gold share", new() { Exact = true }).FillAsync("1");
        await panel.GetByLabel("Gold share, new workers").FillAsync("1");
        await panel.Locator(".mud-switch").Filter(new() { HasText = "Show workers the checks they missed" }).ClickAsync();
        await panel.Locator(".lp-save-quality").ClickAsync();
        await Assertions.Expect(panel.Locator(".lp-quality-message")).ToContainTextAsync("Saved");
        await app.FundJobAsync(job.Id);
        await page.GetByRole(AriaRole.Button, new() { Name = "Launch" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeVisibleAsync();
        await using (var db = app.Database.CreateContext())
        {
            var stored = await db.Jobs.SingleAsync(j => j.Id == job.Id);
            Assert.Equal((JobStatus.Running, true, 1.0), (stored.Status, stored.QualityPolicy.Feedback, stored.QualityPolicy.GoldRate));
        }

        var worker = await app.OpenWorkspaceAsync(job);
        await WorkspaceSteps.NextItemAsync(worker);
        await worker.Keyboard.PressAsync("2"); // dog, where the known answer is cat
        await worker.Keyboard.PressAsync("Enter");

        await Assertions.Expect(worker.Locator(".lp-session-count")).ToHaveTextAsync("Answered this session: 1");
        await worker.GotoAsync("/work");
        // Other tests' jobs may share the name: this job's card, by its link.
        await Assertions.Expect(worker.Locator($"a[href='/work/{job.Id}']")).ToBeVisibleAsync();
        await Assertions.Expect(worker.Locator(".lp-my-accuracy")).ToHaveCountAsync(0);
        await Assertions.Expect(worker.Locator(".lp-missed-checks")).ToHaveCountAsync(0);
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(".lp-worker-accuracy")).ToContainTextAsync("0 / 1 right");
        // Where the job's items stand: none settled or waiting for a reviewer yet (the one answer was gold).
        await Assertions.Expect(page.Locator(".lp-undecided-count")).ToHaveTextAsync("0");
        await Assertions.Expect(page.Locator(".lp-settled-crowd")).ToHaveTextAsync("0");
        await WorkspaceSteps.SaveScreenshotAsync(page, "quality-panel.png");
    }
}
