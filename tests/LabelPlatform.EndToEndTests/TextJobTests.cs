using System.Text;
using System.Text.RegularExpressions;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A text job from the researcher's form and CSV upload to a worker's answers.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class TextJobTests(BrowserFixture app)
{
    // Text → the label it gets; the quoted review spans two lines and holds a comma.
    private static readonly Dictionary<string, string> Reviews = new()
    {
        ["Arrived broken and support never answered."] = "negative",
        ["Great value, would buy again.\nThe battery lasts all week."] = "positive",
        ["It is a kettle. It boils water."] = "neutral",
    };

    private static readonly string[] Labels = ["positive", "negative", "neutral"];

    [BrowserFact]
    public async Task TextJob_ResearcherUploadsCsvAndLaunches_WorkerLabelsEachTextAndAnswersAreStored()
    {
        var researcher = await app.SignedInPageAsync(AccountKind.Researcher);
        await researcher.GotoAsync("/jobs/new");
        await researcher.GetByLabel("Job name").FillAsync("Review tone");
        var kind = researcher.GetByRole(AriaRole.Combobox, new() { Name = "What workers do with each item" });
        await kind.ClickAsync();
        await researcher.GetByText(TaskKind.TextClassification.Describe()).ClickAsync();
        await Assertions.Expect(kind).ToContainTextAsync(TaskKind.TextClassification.Describe());
        await researcher.GetByLabel("Instructions (Markdown)").FillAsync("What is the **tone** of the review?");
        await researcher.GetByLabel("Labels, one per line").FillAsync(string.Join('\n', Labels));
        await researcher.GetByLabel("Answers per item").FillAsync("1");
        await researcher.GetByLabel("Price per answer").FillAsync("0.02");
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Create job" }).ClickAsync();
        await Assertions.Expect(researcher).ToHaveURLAsync(new Regex("/jobs/[0-9a-f-]{36}$"));
        var jobId = Guid.Parse(researcher.Url.Split('/')[^1]);

        await Assertions.Expect(researcher.GetByRole(AriaRole.Button, new() { Name = "Upload CSV or JSONL" })).ToBeVisibleAsync();
        var csv = "name,text\n" + string.Join('\n', Reviews.Keys.Select((text, i) => $"review-{i + 1},\"{text}\"")) + "\n";
        await WorkspaceSteps.UploadItemsAsync(researcher, chooser => chooser.SetFilesAsync(new FilePayload
        {
            Name = "reviews.csv",
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes(csv),
        }));
        await Assertions.Expect(researcher.Locator(".lp-import-summary")).ToHaveTextAsync("Imported 3 items.");
        await app.FundJobAsync(jobId);
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Launch" }).ClickAsync();
        await Assertions.Expect(researcher.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeVisibleAsync();

        var worker = await app.SignedInPageAsync(AccountKind.Worker);
        await worker.GotoAsync("/work");
        await worker.GetByRole(AriaRole.Link, new() { Name = "Start labelling Review tone" }).ClickAsync();
        var chosen = new Dictionary<Guid, string>();
        Guid? itemId = null;
        for (var i = 0; i < Reviews.Count; i++)
        {
            itemId = await WorkspaceSteps.NextItemAsync(worker, itemId);
            var shown = (await worker.Locator($".lp-text-item[data-assignment='{itemId}']").InnerTextAsync()).Trim();
            Assert.True(Reviews.TryGetValue(shown, out var label), $"The workspace shows a text that was not uploaded: \"{shown}\".");

            await worker.Keyboard.PressAsync((Array.IndexOf(Labels, label) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(worker.Locator($"[role=radio][data-label={label}]")).ToHaveAttributeAsync("aria-checked", "true");
            if (i == 1)
            {
                await WorkspaceSteps.SaveScreenshotAsync(worker, "workspace-text.png");
            }

            await worker.Keyboard.PressAsync("Enter");
            chosen.Add(itemId.Value, label);
        }

        await Assertions.Expect(worker.Locator(".lp-session-count")).ToHaveTextAsync($"Answered this session: {Reviews.Count}");
        var answers = await app.SubmittedAnswersAsync(jobId);
        Assert.Equal(chosen.Count, answers.Count);
        foreach (var (item, label) in chosen)
        {
            Assert.Equal([label], answers[item].Labels);
        }

        await Assertions.Expect(researcher.Locator("[data-stat=answers] .lp-stat-value")).ToHaveTextAsync("3 / 3");
    }
}
