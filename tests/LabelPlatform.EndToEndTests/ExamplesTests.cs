using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A researcher's worked examples travel from the dashboard to the worker's workspace.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ExamplesTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task ResearcherAddsExampleWithPicture_WorkerSeesItBesideTheInstructions()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, ["coin", "other"], kind: TaskKind.BoundingBoxes);
        using (var zip = TestZips.Images(2))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        await app.LaunchAsync(job);
        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");

        await page.GetByLabel("Caption (the right answer and why)").FillAsync("Box the whole coin, rim included.");
        await page.ChooseFileAsync(page.Locator(".lp-examples-editor").GetByRole(AriaRole.Button, new() { Name = "Picture (optional)" }), TestZips.DataPath("coins.png"));
        await Assertions.Expect(page.Locator(".lp-examples-editor button").Filter(new() { HasText = "coins.png" })).ToBeVisibleAsync();
        await page.Locator(".lp-add-example").ClickAsync();
        await Assertions.Expect(page.Locator(".lp-example-row")).ToContainTextAsync("Box the whole coin, rim included.");
        await Assertions.Expect(page.Locator(".lp-example-row img")).ToHaveJSPropertyAsync("naturalWidth", 320);

        var worker = await app.SignInAsync(await app.SignUpAsync(AccountKind.Worker));
        await worker.GotoAsync($"/work/{job.Id}");

        var example = worker.Locator(".lp-examples figure.lp-example");
        await Assertions.Expect(example.Locator("figcaption")).ToHaveTextAsync("Box the whole coin, rim included.");
        await Assertions.Expect(example.Locator("img")).ToHaveJSPropertyAsync("naturalWidth", 384);
    }

}
