using System.Globalization;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Demo;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace LabelPlatform.EndToEndTests;

/// <summary>A reviewer's queue in the browser: the model's flagged answers with the item, the reason and the evidence, updating as verdicts land.</summary>
[Collection(WorkspaceCollection.Name)]
public sealed class ReviewQueueTests(BrowserFixture app)
{
    private static string SeedData(string name) => Path.Combine(AppContext.BaseDirectory, "SeedData", name);

    [Fact]
    public async Task Reviewer_SeesFlaggedAnswerWithImageReasonAndEvidence_NextOneArrivesLive()
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
        var reviewer = await app.SignUpAsync(AccountKind.Worker);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SetReviewerRole>().HandleAsync(reviewer.Id, true));
        }

        var first = await AnswerWrongAndReviewAsync(job, digits);
        var page = await app.SignInAsync(reviewer);
        await page.GotoAsync("/review");

        var card = page.Locator($".lp-flagged[data-assignment='{first.Id}']");
        await Assertions.Expect(card.Locator(".lp-worker-answer")).ToContainTextAsync($"Worker's answer: {first.Answer}");
        await Assertions.Expect(card.Locator(".lp-reason")).ToHaveTextAsync(first.Verdict.Reason);
        await Assertions.Expect(card.Locator(".lp-model-opinion")).ToContainTextAsync($"Model (version 1) says {first.Verdict.ModelLabel}");
        await Assertions.Expect(card.Locator(".lp-evidence-class")).ToHaveCountAsync(3);
        await Assertions.Expect(card.Locator(".lp-evidence-class").First).ToContainTextAsync(first.Verdict.ModelLabel!);
        await page.WaitForFunctionAsync("() => document.querySelector('.lp-flagged-image')?.naturalWidth > 0");
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Flagged work" })).ToBeVisibleAsync();

        // The model flags another answer while the page is open: it appears without a reload.
        var second = await AnswerWrongAndReviewAsync(job, digits);
        await Assertions.Expect(page.Locator($".lp-flagged[data-assignment='{second.Id}'] .lp-reason")).ToHaveTextAsync(second.Verdict.Reason);
        await WorkspaceSteps.SaveScreenshotAsync(page, "review-queue.png");
    }

    /// <summary>A new worker answers the next item with a wrong digit; the review batch runs; returns the answer's id, label and verdict.</summary>
    private async Task<(Guid Id, string Answer, Verdict Verdict)> AnswerWrongAndReviewAsync(Job job, List<Digit> digits)
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
        return (claim.AssignmentId, wrong, verdict);
    }
}
