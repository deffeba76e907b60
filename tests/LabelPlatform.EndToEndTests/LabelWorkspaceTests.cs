using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using LabelPlatform.Queue.Skip;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>Label jobs in the workspace, worked from the keyboard: one label, many labels, drafts, skips and the ? overlay.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class LabelWorkspaceTests(BrowserFixture app)
{
    private static readonly string[] Digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
    private static readonly string[] Animals = ["cat", "dog", "bird", "fish"];

    [BrowserFact]
    public async Task DigitsJob_KeyboardOnly_FiveAnswersStoredWithTheChosenDigits()
    {
        var job = await app.CreateRunningJobAsync(TaskKind.ImageClassification, Digits, TestZips.Images(5));
        var page = await app.OpenWorkspaceAsync(job);
        string[] keys = ["3", "1", "4", "1", "5"];

        var chosen = new Dictionary<Guid, string>();
        Guid? itemId = null;
        for (var i = 0; i < keys.Length; i++)
        {
            itemId = await WorkspaceSteps.NextItemAsync(page, itemId);
            Assert.DoesNotContain(itemId.Value, chosen.Keys);

            await page.Keyboard.PressAsync(keys[i]);
            await Assertions.Expect(page.Locator($"[role=radio][data-label='{keys[i]}']")).ToHaveAttributeAsync("aria-checked", "true");
            await Assertions.Expect(page.Locator("[role=radio][aria-checked=true]")).ToHaveCountAsync(1);
            await page.Keyboard.PressAsync("Enter");
            await Assertions.Expect(page.Locator(".lp-session-count")).ToHaveTextAsync($"Answered this session: {i + 1}");
            chosen[itemId.Value] = keys[i];
        }

        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Find other work" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("img[data-assignment]")).ToHaveCountAsync(0);
        var stored = await app.AssignmentsAsync(job.Id);
        Assert.Equal(5, stored.Count);
        foreach (var assignment in stored)
        {
            Assert.Equal(AssignmentStatus.Submitted, assignment.Status);
            Assert.Equal(chosen[assignment.Id], assignment.Label);
            Assert.Equal([chosen[assignment.Id]], Answer.FromJson(assignment.AnswerJson)!.Labels);
        }
    }

    [BrowserFact]
    public async Task MultiLabelJob_ToggleThreeUntoggleOneThenEnter_StoredLabelsAreExactlyTheChosenSet()
    {
        var job = await app.CreateRunningJobAsync(TaskKind.ImageMultiLabel, Animals, TestZips.Images(1));
        var page = await app.OpenWorkspaceAsync(job);
        await Assertions.Expect(page.GetByRole(AriaRole.Group, new() { Name = "Labels that apply" })).ToBeFocusedAsync();

        foreach (var key in new[] { "1", "2", "4", "2" })
        {
            await page.Keyboard.PressAsync(key);
        }

        await ExpectCheckedAsync(page, "cat", "fish");
        await WorkspaceSteps.SaveScreenshotAsync(page, "workspace-multilabel.png");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".lp-session-count")).ToHaveTextAsync("Answered this session: 1");

        var answer = Assert.Single((await app.SubmittedAnswersAsync(job.Id)).Values);
        Assert.Equal(["cat", "fish"], answer.Labels);
        Assert.Empty(answer.Boxes);
    }

    [BrowserFact]
    public async Task MultiLabelDraft_ReloadMidTask_SelectionIsBackAndSubmits()
    {
        var job = await app.CreateRunningJobAsync(TaskKind.ImageMultiLabel, Animals, TestZips.Images(1));
        var page = await app.OpenWorkspaceAsync(job);
        var itemId = await page.Locator("img[data-assignment]").GetAttributeAsync("data-assignment");

        await page.Keyboard.PressAsync("2");
        await page.Keyboard.PressAsync("3");
        await ExpectCheckedAsync(page, "dog", "bird");
        // Reloaded as soon as this browser kept the draft: the server's copy may still be on its way, or be of the first key only.
        await WorkspaceSteps.WaitForLocalDraftAsync(page, """a => a.labels.join() === "dog,bird" """);

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("img[data-assignment]")).ToHaveAttributeAsync("data-assignment", itemId!);
        await ExpectCheckedAsync(page, "dog", "bird");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".lp-session-count")).ToHaveTextAsync("Answered this session: 1");

        var answer = Assert.Single((await app.SubmittedAnswersAsync(job.Id)).Values);
        Assert.Equal(["dog", "bird"], answer.Labels);
    }

    [BrowserFact]
    public async Task Keyboard_HelpOverlayThenSkipWithReason_OverlayClosesOnEscapeAndSkipKeepsTheReason()
    {
        var job = await app.CreateRunningJobAsync(TaskKind.ImageClassification, Animals, TestZips.Images(2));
        var page = await app.OpenWorkspaceAsync(job);
        var picker = page.GetByRole(AriaRole.Radiogroup, new() { Name = "Label" });
        await Assertions.Expect(picker).ToBeFocusedAsync();
        var skippedItem = await WorkspaceSteps.NextItemAsync(page);

        await page.Keyboard.PressAsync("?");
        var help = page.GetByRole(AriaRole.Dialog, new() { Name = "Keyboard shortcuts" });
        await Assertions.Expect(help).ToBeVisibleAsync();
        await Assertions.Expect(help).ToContainTextAsync("Skip (with a reason)");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(help).ToHaveCountAsync(0);
        await Assertions.Expect(picker).ToBeFocusedAsync();

        await page.Keyboard.PressAsync("s");
        var skip = page.GetByRole(AriaRole.Dialog, new() { Name = "Skip this item?" });
        await Assertions.Expect(skip).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("3");
        var reason = skip.GetByRole(AriaRole.Radio).Nth(2);
        await Assertions.Expect(reason).ToContainTextAsync(SkipItem.Reasons[2]);
        await Assertions.Expect(reason).ToHaveAttributeAsync("aria-checked", "true");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(skip).ToHaveCountAsync(0);
        await WorkspaceSteps.NextItemAsync(page, skippedItem);
        await Assertions.Expect(page.Locator(".lp-session-count")).ToHaveTextAsync("Answered this session: 0");
        await Assertions.Expect(page.Locator("[role=radio][aria-checked=true]")).ToHaveCountAsync(0);

        var stored = await app.AssignmentsAsync(job.Id);
        var skipped = Assert.Single(stored, a => a.Id == skippedItem);
        Assert.Equal(AssignmentStatus.Skipped, skipped.Status);
        Assert.Equal("Cannot see or read it properly", skipped.SkipReason);
        Assert.Null(skipped.AnswerJson);
        Assert.Equal(AssignmentStatus.Leased, Assert.Single(stored, a => a.Id != skippedItem).Status);
    }

    private static async Task ExpectCheckedAsync(IPage page, params string[] labels)
    {
        foreach (var label in Animals)
        {
            await Assertions.Expect(page.Locator($"[role=checkbox][data-label={label}]"))
                .ToHaveAttributeAsync("aria-checked", labels.Contains(label) ? "true" : "false");
        }
    }
}
