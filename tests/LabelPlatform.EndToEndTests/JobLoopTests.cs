using System.Text.RegularExpressions;
using LabelPlatform.Testing;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>The whole loop in a real browser: a researcher posts a job, a worker labels by keyboard, the CSV holds the answers.</summary>
public sealed class JobLoopTests(BrowserFixture app) : IClassFixture<BrowserFixture>
{
    private static readonly string[] Labels = ["cat", "dog", "bird"];

    [BrowserFact]
    public async Task ResearcherPostsJob_WorkerLabelsThreeByKeyboard_CsvHoldsExactlyThoseAnswers()
    {
        var researcher = await app.NewPageAsync();
        await SignUpAsync(researcher, "Get data labelled", "researcher@e2e.test", organisation: "E2E Lab");
        await Assertions.Expect(researcher).ToHaveURLAsync(new Regex("/jobs$"));

        await researcher.GetByRole(AriaRole.Link, new() { Name = "New job" }).First.ClickAsync();
        await researcher.GetByLabel("Job name").FillAsync("Animals");
        await researcher.GetByLabel("Instructions (Markdown)").FillAsync("Which **animal** is it?");
        await researcher.GetByLabel("Labels, one per line").FillAsync(string.Join('\n', Labels));
        await researcher.GetByLabel("Answers per item").FillAsync("1");
        await researcher.GetByLabel("Price per answer").FillAsync("0.05");
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Create job" }).ClickAsync();
        await Assertions.Expect(researcher).ToHaveURLAsync(new Regex("/jobs/[0-9a-f-]{36}$"));
        var jobId = researcher.Url.Split('/')[^1];

        var zipPath = Path.Combine(Path.GetTempPath(), $"e2e-{Guid.NewGuid():N}.zip");
        await using (var zip = TestZips.Images(5))
        await using (var file = File.Create(zipPath))
        {
            await zip.CopyToAsync(file);
        }

        await WorkspaceSteps.UploadItemsAsync(researcher, chooser => chooser.SetFilesAsync(zipPath));
        await Assertions.Expect(researcher.Locator(".lp-import-summary")).ToContainTextAsync("Imported 5 items");
        await app.FundJobAsync(Guid.Parse(jobId));
        await researcher.GetByRole(AriaRole.Button, new() { Name = "Launch" }).ClickAsync();
        await Assertions.Expect(researcher.GetByRole(AriaRole.Button, new() { Name = "Pause" })).ToBeVisibleAsync();

        var worker = await app.NewPageAsync();
        await SignUpAsync(worker, "Label data and earn", "worker@e2e.test");
        await Assertions.Expect(worker).ToHaveURLAsync(new Regex("/work$"));
        await worker.GetByRole(AriaRole.Link, new() { Name = "Start labelling Animals" }).ClickAsync();

        var answered = new Dictionary<string, string>();
        Guid? shown = null;
        for (var i = 0; i < 3; i++)
        {
            // The session count moves on before the next item arrives: wait for the item itself.
            shown = await WorkspaceSteps.NextItemAsync(worker, shown);
            var itemId = shown.Value.ToString();
            Assert.DoesNotContain(itemId, answered.Keys);

            await worker.Keyboard.PressAsync((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
            await Assertions.Expect(worker.Locator($"[role=radio][data-label={Labels[i]}]")).ToHaveAttributeAsync("aria-checked", "true");
            await worker.Keyboard.PressAsync("Enter");
            await Assertions.Expect(worker.Locator(".lp-session-count")).ToHaveTextAsync($"Answered this session: {i + 1}");
            answered[itemId] = Labels[i];
        }

        // Three answers at 0.05 are not earned yet: each is paid once accepted.
        await Assertions.Expect(worker.Locator(".lp-session-earned")).ToHaveTextAsync("Worth if accepted: 0.15 USD");
        await SaveScreenshotAsync(worker, "labelling.png");
        var itemOf = (await app.AssignmentsAsync(Guid.Parse(jobId))).ToDictionary(a => a.Id.ToString(), a => a.ItemId.ToString());
        answered = answered.ToDictionary(a => itemOf[a.Key], a => a.Value);

        // The dashboard updated live while the worker labelled.
        await Assertions.Expect(researcher.Locator("[data-stat=answers] .lp-stat-value")).ToHaveTextAsync("3 / 5");

        var response = await researcher.Context.APIRequest.GetAsync($"/api/jobs/{jobId}/results.csv");
        Assert.Equal(200, response.Status);
        var rows = (await response.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(r => r.TrimEnd('\r').Split(',')).ToList();
        Assert.Equal("item_id", rows[0][0]);
        var answeredRows = rows.Skip(1).Where(r => r[5] != "0").ToList();
        Assert.Equal(3, answeredRows.Count);
        foreach (var row in answeredRows)
        {
            Assert.True(answered.TryGetValue(row[0], out var label), $"CSV has an answer for item {row[0]} that the worker never labelled.");
            Assert.Equal(label, row[3]);
            Assert.Equal("1", row[5]);
            Assert.EndsWith($"={label}", row[rows[0].ToList().IndexOf("worker_answers")]);

            // A new job wants its labels 99% sure: one answer from a worker nobody has checked yet is 70% sure among
            // three labels, so the item is still in progress, waiting for a second answer.
            Assert.Equal("in_progress", row[2]);
            Assert.Equal((label, "0.7", "crowd"), (row[rows[0].ToList().IndexOf("final_answer")], row[rows[0].ToList().IndexOf("final_confidence")], row[rows[0].ToList().IndexOf("final_source")]));
        }

        Assert.Equal(2, rows.Skip(1).Count(r => r[5] == "0" && r[2] == "not_started"));
    }

    [BrowserFact]
    public async Task Login_WrongPassword_ShowsErrorAndStaysSignedOut()
    {
        var page = await app.NewPageAsync();
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync("nobody@e2e.test");
        await page.GetByLabel("Password").FillAsync("not-the-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("email or password is wrong");
        await page.GotoAsync("/jobs");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login"));
    }

    private static async Task SignUpAsync(IPage page, string kind, string email, string? organisation = null)
    {
        await page.GotoAsync("/account/signup");
        await page.GetByText(kind).ClickAsync();
        await page.GetByLabel("Your name").FillAsync("E2E " + kind);
        if (organisation is not null)
        {
            await page.GetByLabel("Organisation").FillAsync(organisation);
        }

        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(LabelPlatformFactory.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
    }

    private static async Task SaveScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("LP_SCREENSHOTS");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name) });
        }
    }
}
