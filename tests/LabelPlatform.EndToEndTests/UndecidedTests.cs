using LabelPlatform.Accounts;
using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.FinalLabels;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>Items the crowd left undecided, decided by a reviewer (by button or by number key), and the item saying so.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class UndecidedTests(BrowserFixture app)
{
    [BrowserFact]
    public async Task Reviewer_DecidesAnUndecidedItem_ItIsTheFinalAnswerFromAReviewer()
    {
        // Three workers, three different labels: the item has all its answers and no label is sure.
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 3, labels: ["cat", "dog", "bird"]);
        using (var zip = TestZips.Images(1))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        await app.LaunchAsync(job);
        foreach (var label in new[] { "cat", "dog", "bird" })
        {
            var worker = await app.SignUpAsync(AccountKind.Worker);
            var claim = (await app.Services.GetRequiredService<ClaimNextItem>().HandleAsync(job.Id, worker.Id)).Value!;
            Assert.True((await app.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, worker.Id, Answer.OneLabel(label))).IsSuccess);
        }

        await app.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);
        var reviewer = await app.SignUpAsync(AccountKind.Worker);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SetReviewerRole>().HandleAsync(reviewer.Id, true));
        }

        var page = await app.SignInAsync(reviewer);
        await page.GotoAsync("/review/undecided");
        var item = page.Locator($".lp-undecided-item[data-item='{await ItemOfAsync(job.Id)}']");
        await Assertions.Expect(item.Locator(".lp-undecided-split")).ToContainTextAsync("3 answers");
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.lp-undecided-item img')].every(i => i.naturalWidth > 0)");

        // Other tests may leave undecided items too: this one is decided by its own button.
        await item.GetByRole(AriaRole.Button, new() { Name = "dog" }).ClickAsync();
        await Assertions.Expect(page.Locator(".lp-undecided-message")).ToHaveTextAsync("Decided: dog. It is the item's final answer now.");
        await Assertions.Expect(item).ToHaveCountAsync(0);

        await using var db = app.Database.CreateContext();
        await app.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);
        var final = await db.Items.AsNoTracking().Where(i => i.JobId == job.Id).Select(i => new { i.FinalLabel, i.FinalSource, i.FinalState, i.DecidedBy }).SingleAsync();
        Assert.Equal(("dog", FinalSource.Reviewer, FinalState.Settled, reviewer.Id), (final.FinalLabel, final.FinalSource, final.FinalState, final.DecidedBy));
    }

    private async Task<Guid> ItemOfAsync(Guid jobId)
    {
        await using var db = app.Database.CreateContext();
        return await db.Items.Where(i => i.JobId == jobId).Select(i => i.Id).SingleAsync();
    }

    [BrowserFact]
    public async Task Reviewer_OneJobsItems_NumberKeyDecidesTheFirstWithThatLabel()
    {
        var researcher = await app.SignUpAsync(AccountKind.Researcher);
        var job = await app.CreateJobAsync(researcher, answersPerItem: 2, labels: ["left", "right"]);
        using (var zip = TestZips.Images(1))
        {
            Assert.True((await app.ImportAsync(job, zip)).Succeeded);
        }

        await app.LaunchAsync(job);
        foreach (var label in new[] { "left", "right" })
        {
            var worker = await app.SignUpAsync(AccountKind.Worker);
            var claim = (await app.Services.GetRequiredService<ClaimNextItem>().HandleAsync(job.Id, worker.Id)).Value!;
            Assert.True((await app.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, worker.Id, Answer.OneLabel(label))).IsSuccess);
        }

        await app.Services.GetRequiredService<RecomputeFinalLabels>().HandleAsync(job.Id);

        var reviewer = await app.SignUpAsync(AccountKind.Worker);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SetReviewerRole>().HandleAsync(reviewer.Id, true));
        }

        var page = await app.SignInAsync(reviewer);
        await page.GotoAsync($"/review/undecided?job={job.Id}");
        await Assertions.Expect(page.Locator(".lp-undecided-item")).ToHaveCountAsync(1);
        await page.Locator(".lp-undecided").FocusAsync();
        await page.Keyboard.PressAsync("2");

        await Assertions.Expect(page.Locator(".lp-undecided-message")).ToHaveTextAsync("Decided: right. It is the item's final answer now.");
        await Assertions.Expect(page.Locator(".lp-no-undecided")).ToBeVisibleAsync();
    }
}
