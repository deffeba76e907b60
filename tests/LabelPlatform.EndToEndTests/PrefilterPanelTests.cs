using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Demo;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Prefilter;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A researcher runs the model over a job's items before launch and watches the run's progress and outcome live.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class PrefilterPanelTests(BrowserFixture app)
{
    private static string SeedData(string name) => Path.Combine(AppContext.BaseDirectory, "SeedData", name);

    [BrowserFact]
    public async Task ResearcherRunsPrefilter_ProgressThenShareSentToPeopleAppearWithoutReload()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, labels: Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
        var digits = DigitImages.Read(SeedData("digits.csv.gz")).Where(d => d.Row >= 1200).Take(80).ToList();
        using (var zip = DigitImages.ZipOf(digits, digits.Count))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        var model = await app.Services.GetRequiredService<RegisterModel>()
            .HandleAsync(job.Id, job.OrganisationId, researcher.Id, "digits.onnx", File.ReadAllBytes(SeedData("models/digits-mlp.onnx")), DemoSeeder.DigitsModel);
        Assert.True(model.IsSuccess, model.Error?.Message);
        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");
        var panel = page.Locator(".lp-prefilter");

        await panel.GetByLabel("Sure at confidence").FillAsync("0.9");
        await panel.GetByLabel("Audit share").FillAsync("0.1");
        await panel.Locator(".lp-run-prefilter").ClickAsync();

        await Assertions.Expect(panel.Locator(".lp-prefilter-run")).ToContainTextAsync("The model is going over the items — model version 1, 0 of 80 items seen");
        await using (var db = app.Database.CreateContext())
        {
            var run = await db.PrefilterRuns.SingleAsync(r => r.JobId == job.Id);
            Assert.Equal((0.9f, 0.1f, true), (run.Threshold, run.AuditShare, run.MachineLabels));
        }

        // The review worker's part, run here: the dashboard follows each batch as it commits.
        var runId = (await app.Services.GetRequiredService<PrefilterSummaries>().LatestAsync(job.Id))!.Run.Id;
        await app.Services.GetRequiredService<PrefilterBatch>().RunOnceAsync(runId);
        await Assertions.Expect(panel.Locator(".lp-prefilter-run")).ToContainTextAsync("64 of 80 items seen");
        await app.Services.GetRequiredService<PrefilterJob>().RunAsync(runId, CancellationToken.None);

        await Assertions.Expect(panel.Locator(".lp-prefilter-run")).ToHaveAttributeAsync("data-status", "Completed");
        await using var check = app.Database.CreateContext();
        var done = await check.PrefilterRuns.SingleAsync(r => r.JobId == job.Id);
        await Assertions.Expect(panel.Locator(".lp-share-to-people")).ToHaveTextAsync($"{done.SentToPeople} of 80 items ({done.ShareToPeople * 100:0}%) go to people");
        await Assertions.Expect(panel.Locator(".lp-audit-accuracy")).ToContainTextAsync($"measured once people answer the {done.Audit} audit items");
        Assert.InRange(done.MachineLabelled, 40, 79);
        await WorkspaceSteps.SaveScreenshotAsync(page, "prefilter-panel.png");
    }
}
