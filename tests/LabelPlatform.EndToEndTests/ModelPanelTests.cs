using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A researcher registers a review model from the dashboard; a wrong descriptor is refused with its reason.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ModelPanelTests(BrowserFixture app)
{
    private static readonly string ModelPath = Path.Combine(AppContext.BaseDirectory, "SeedData", "models", "digits-mlp.onnx");

    [BrowserFact]
    public async Task ResearcherUploadsDigitsModel_WrongInputNameRefusedThenKeptAsVersionOne()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, labels: Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList());
        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");
        var panel = page.Locator(".lp-model-panel");

        await panel.GetByLabel("Width").FillAsync("8");
        await panel.GetByLabel("Height").FillAsync("8");
        await panel.Locator("div.mud-select").Filter(new() { HasText = "Colour" }).First.ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Grey" }).ClickAsync();
        await panel.GetByLabel("Scale (pixel 0–255 ×)").FillAsync("-1/240");
        await panel.GetByLabel("Mean").FillAsync("-255/240");
        await panel.GetByLabel("Output name").FillAsync("probabilities");
        await page.ChooseFileAsync(panel.GetByRole(AriaRole.Button, new() { Name = "Choose an .onnx file" }), ModelPath);
        await Assertions.Expect(panel).ToContainTextAsync("digits-mlp.onnx");
        await panel.Locator(".lp-save-model").ClickAsync();

        await Assertions.Expect(panel.Locator(".lp-model-error")).ToContainTextAsync("The model has no input \"input\"; its inputs: \"image\" [N, 1, 8, 8].");

        await panel.GetByLabel("Input name").FillAsync("image");
        await panel.Locator(".lp-save-model").ClickAsync();

        await Assertions.Expect(panel).ToContainTextAsync("Checked and kept as version 1.");
        await Assertions.Expect(panel.Locator(".lp-model-current")).ToContainTextAsync("version 1");
        await using var db = app.Database.CreateContext();
        var kept = await db.ReviewModels.SingleAsync(m => m.JobId == job.Id);
        Assert.Equal((ColourOrder.Grey, "image", 10), (kept.Descriptor.Colour, kept.Descriptor.InputName, kept.Descriptor.LabelMap.Count));
    }

    [BrowserFact]
    public async Task ResearcherOfABoxJob_SetsMatchIouAndMinimums_KeptInTheJobsPolicy()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 1, ["cat", "dog"], kind: TaskKind.BoundingBoxes);
        var page = await app.SignInAsync(researcher);
        await page.GotoAsync($"/jobs/{job.Id}");
        var panel = page.Locator(".lp-model-panel");

        // A box job starts the descriptor at a detection model, and its verdicts at box settings.
        await Assertions.Expect(panel.GetByLabel("Score threshold")).ToBeVisibleAsync();
        await Assertions.Expect(panel.GetByLabel("Accept confidence")).ToHaveCountAsync(0);
        await panel.GetByLabel("Match IoU").FillAsync("0.6");
        await panel.GetByLabel("Min recall").FillAsync("0.8");
        await panel.Locator(".lp-save-policy").ClickAsync();

        await Assertions.Expect(panel.Locator(".lp-policy-message")).ToContainTextAsync("Saved");
        await using var db = app.Database.CreateContext();
        var policy = await db.Jobs.Where(j => j.Id == job.Id).Select(j => j.ReviewPolicy).SingleAsync();
        Assert.Equal((0.6f, 0.9f, 0.8f, 0.5f), (policy.MatchIou, policy.MinPrecision, policy.MinRecall, policy.DisagreeBelow));
    }
}
