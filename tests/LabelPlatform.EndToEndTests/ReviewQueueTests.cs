using System.Globalization;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Demo;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Review.Batches;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A reviewer's batch in the browser, decided by keyboard, and the worker reading the rejection.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ReviewQueueTests(BrowserFixture app)
{
    private static string SeedData(string name) => Path.Combine(AppContext.BaseDirectory, "SeedData", name);

    [BrowserFact]
    public async Task Reviewer_DecidesBatchByKeyboard_WorkerSeesRejectionWithReason()
    {
        var digits = DigitImages.Read(SeedData("digits.csv.gz")).Where(d => d.Row >= 1200).Take(2).ToList();
        var job = await app.CreateRunningJobAsync(
            TaskKind.ImageClassification, Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToList(), DigitImages.ZipOf(digits, digits.Count));
        string researcherId;
        await using (var db = app.Database.CreateContext())
        {
            researcherId = await db.Users.Where(u => u.OrganisationId == job.OrganisationId).Select(u => u.Id).FirstAsync();
        }

        var model = await app.Services.GetRequiredService<RegisterModel>()
            .HandleAsync(job.Id, job.OrganisationId, researcherId, "digits-mlp.onnx", File.ReadAllBytes(SeedData("models/digits-mlp.onnx")), DemoSeeder.DigitsModel);
        Assert.True(model.IsSuccess, model.Error?.Message);
        Assert.Null(await app.Services.GetRequiredService<SetRejectionReasons>().HandleAsync(job.Id, job.OrganisationId, ["Wrong digit", "Not a digit at all"]));
        var reviewer = await app.SignUpAsync(AccountKind.Worker);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SetReviewerRole>().HandleAsync(reviewer.Id, true));
        }

        var first = await AnswerWrongAndReviewAsync(job, digits);
        var second = await AnswerWrongAndReviewAsync(job, digits);
        var page = await app.SignInAsync(reviewer);
        await page.GotoAsync("/review");
        await Assertions.Expect(page.Locator(".lp-review-overview")).ToContainTextAsync(job.Name);
        await Assertions.Expect(page.Locator(".lp-review")).ToBeFocusedAsync();

        // G takes a batch: both answers, in an order of the batch's own, blind to the model's view.
        await page.Keyboard.PressAsync("g");
        var card = page.Locator($".lp-flagged[data-assignment='{first.Id}']");
        await Assertions.Expect(page.Locator(".lp-flagged")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator(".lp-flagged.lp-current")).ToHaveCountAsync(1);
        if (!(await card.GetAttributeAsync("class"))!.Contains("lp-current", StringComparison.Ordinal))
        {
            await page.Keyboard.PressAsync("j");
        }

        await Assertions.Expect(card).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("lp-current"));
        await Assertions.Expect(card.Locator(".lp-worker-answer")).ToContainTextAsync($"Worker's answer: {first.Answer}");
        await Assertions.Expect(page.Locator(".lp-review .lp-reason, .lp-review .lp-model-opinion, .lp-review .lp-evidence")).ToHaveCountAsync(0);
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.lp-flagged-image')].every(i => i.naturalWidth > 0)");

        // X marks it, 2 picks the job's second reason, Enter asks, Enter decides.
        await page.Keyboard.PressAsync("x");
        await Assertions.Expect(card).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("lp-marked"));

        // Each reason shows its own key (they all showed the last one's once).
        var keys = card.Locator(".lp-reason-choice kbd");
        await Assertions.Expect(keys).ToHaveTextAsync(Enumerable.Range(1, await keys.CountAsync()).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        await page.Keyboard.PressAsync("2");
        await Assertions.Expect(card.Locator(".lp-marked-reason")).ToContainTextAsync("Not a digit at all");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".lp-confirm-counts")).ToHaveTextAsync("Approve 1 and reject 1.");
        await WorkspaceSteps.SaveScreenshotAsync(page, "review-batch.png");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".lp-review-message")).ToContainTextAsync("Decided: 1 approved, 1 rejected.");

        // Decided: now the model's reason and evidence for each answer, to learn from.
        var decided = page.Locator(".lp-decided-batch");
        await decided.GetByText("How the model saw the 2 answers you just decided").ClickAsync();
        var seen = decided.Locator($".lp-flagged[data-assignment='{first.Id}']");
        await Assertions.Expect(seen.Locator(".lp-reason")).ToHaveTextAsync(first.Verdict.Reason);
        await Assertions.Expect(seen.Locator(".lp-evidence-class")).ToHaveCountAsync(3);
        await decided.Locator(".lp-flagged-image").First.ScrollIntoViewIfNeededAsync();
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.lp-decided-batch .lp-flagged-image')].every(i => i.complete && i.naturalWidth > 0)");

        await using (var db = app.Database.CreateContext())
        {
            var states = await db.Assignments.Where(a => a.Id == first.Id || a.Id == second.Id).ToDictionaryAsync(a => a.Id, a => a.ReviewState);
            Assert.Equal((ReviewState.Rejected, ReviewState.Approved), (states[first.Id], states[second.Id]));
        }

        // The worker finds the rejection, with the reason, and can dispute it.
        var worker = await app.SignInAsync(first.Worker);
        await worker.GotoAsync("/work/rejected");
        var rejected = worker.Locator($".lp-rejected[data-assignment='{first.Id}']");
        await Assertions.Expect(rejected.Locator(".lp-rejection-reason")).ToHaveTextAsync("Reason: Not a digit at all");
        await Assertions.Expect(rejected.Locator(".lp-my-answer")).ToHaveTextAsync($"Your answer: {first.Answer}");
        await worker.WaitForFunctionAsync("() => document.querySelector('.lp-rejected img')?.naturalWidth > 0");
        await Assertions.Expect(rejected.Locator(".lp-dispute")).ToBeVisibleAsync();
        await WorkspaceSteps.SaveScreenshotAsync(worker, "rejected-answers.png");
    }

    /// <summary>A new worker answers the next item with a wrong digit; the review batch runs; returns the answer's id, label, verdict and worker.</summary>
    private async Task<(Guid Id, string Answer, Verdict Verdict, AppUser Worker)> AnswerWrongAndReviewAsync(Job job, List<Digit> digits)
    {
        var worker = await app.SignUpAsync(AccountKind.Worker);
        var claim = (await app.Services.GetRequiredService<ClaimNextItem>().HandleAsync(job.Id, worker.Id)).Value!;
        await using var db = app.Database.CreateContext();
        var items = await db.Items.Where(i => i.JobId == job.Id).OrderBy(i => i.Ordinal).Select(i => i.Id).ToListAsync();
        var wrong = ((digits[items.IndexOf(claim.ItemId)].Label + 1) % 10).ToString(CultureInfo.InvariantCulture);
        Assert.True((await app.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, worker.Id, Answer.OneLabel(wrong))).IsSuccess);
        Assert.Equal(1, await app.Services.GetRequiredService<ReviewPending>().RunOnceAsync());
        var verdict = await db.Verdicts.SingleAsync(v => v.AssignmentId == claim.AssignmentId);
        Assert.Equal(ReviewState.NeedsReview, verdict.Outcome);
        return (claim.AssignmentId, wrong, verdict, worker);
    }
}
