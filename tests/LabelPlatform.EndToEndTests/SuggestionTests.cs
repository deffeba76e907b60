using System.Text.RegularExpressions;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A model's pre-annotation reaches the worker as editable suggestions, only when the job shows them.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class SuggestionTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task Workspace_ItemWithAModelsBoxes_ShowsThemAsSuggestionsAndSubmittingAsIsKeepsThemMarked()
    {
        var job = await JobWithCoinsAsync(TaskKind.BoundingBoxes, Answer.WithBoxes([new("coin", 10, 20, 30, 40)]));
        var page = await SignInAsWorkerAsync();

        await page.GotoAsync($"/work/{job.Id}");

        await Assertions.Expect(page.Locator(".lp-suggestion")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".lp-box-row")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".lp-box-row")).ToContainTextAsync("(suggested)");
        await page.Locator(".lp-box-editor").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".lp-session-count")).ToHaveTextAsync("Answered this session: 1");

        var stored = Answer.FromJson(await StoredAnswerAsync(job.Id));
        Assert.Equal([new BoundingBox("coin", 10, 20, 30, 40, Suggested: true)], stored!.Boxes);
    }

    [BrowserFact]
    public async Task Workspace_ItemWithAModelsLabel_PreselectsItUnlessTheJobHidesSuggestionsOrTheItemIsAnAudit()
    {
        var shown = await JobWithCoinsAsync(TaskKind.ImageClassification, Answer.OneLabel("other"));
        var hidden = await JobWithCoinsAsync(TaskKind.ImageClassification, Answer.OneLabel("other"), showSuggestions: false);
        var audit = await JobWithCoinsAsync(TaskKind.ImageClassification, Answer.OneLabel("other"), audit: true);
        var page = await SignInAsWorkerAsync();

        await page.GotoAsync($"/work/{shown.Id}");
        await Assertions.Expect(page.Locator(".lp-suggestion")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[role=radio][data-label=other]")).ToHaveAttributeAsync("aria-checked", "true");

        await page.GotoAsync($"/work/{hidden.Id}");
        await Assertions.Expect(page.Locator("img[data-assignment]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".lp-suggestion")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[role=radio][aria-checked=true]")).ToHaveCountAsync(0);

        // An audit item measures the model: people label it blind, whatever the job shows elsewhere.
        await page.GotoAsync($"/work/{audit.Id}");
        await Assertions.Expect(page.Locator("img[data-assignment]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".lp-suggestion")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("[role=radio][aria-checked=true]")).ToHaveCountAsync(0);
    }

    private async Task<Job> JobWithCoinsAsync(TaskKind kind, Answer suggestion, bool showSuggestions = true, bool audit = false)
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var draft = new JobDraft("Suggested", "Check the model's answer.", ["coin", "other"], 1, 5, Kind: kind, ShowSuggestions: showSuggestions);
        var job = (await app.Services.GetRequiredService<LabelPlatform.Jobs.CreateJob.CreateJob>().HandleAsync(draft, researcher.OrganisationId!.Value, researcher.Id)).Value!;
        using (var zip = TestZips.Build(("coins.png", await File.ReadAllBytesAsync(TestZips.DataPath("coins.png")))))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        await using (var db = app.Database.CreateContext())
        {
            await db.Items.Where(i => i.JobId == job.Id).ExecuteUpdateAsync(u => u.SetProperty(i => i.PreAnnotation, suggestion.ToJson())
                .SetProperty(i => i.MachineLabel, audit ? suggestion.SingleLabel : null).SetProperty(i => i.MachineConfidence, audit ? 0.99f : null).SetProperty(i => i.MachineAudit, audit));
        }

        await app.LaunchAsync(job);
        return job;
    }

    private async Task<IPage> SignInAsWorkerAsync()
    {
        var worker = await app.SignUpAsync(AccountKind.Worker);
        var page = await app.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(worker.Email!);
        await page.GetByLabel("Password").FillAsync(LabelPlatformFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/work$"));
        return page;
    }

    private async Task<string?> StoredAnswerAsync(Guid jobId)
    {
        await using var db = app.Database.CreateContext();
        return await db.Assignments.Where(a => a.JobId == jobId && a.Status == LabelPlatform.Jobs.AssignmentStatus.Submitted)
            .Select(a => a.AnswerJson).SingleAsync();
    }
}
