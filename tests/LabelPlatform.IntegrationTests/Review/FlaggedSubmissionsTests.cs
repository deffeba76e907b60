using System.Net;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.ManageRoles;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Review.Flagged;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>The reviewers' queue: what it shows, to whom, and the item pictures that go with it.</summary>
public class FlaggedSubmissionsTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    /// <summary>
    /// Four digits: another worker and the reviewer (who also labels) each answer one wrong, a third
    /// worker answers one right, and the fourth item has no answer yet; the model judges them all.
    /// </summary>
    private async Task<(DigitsJob Digits, AppUser Reviewer, Guid[] Answers)> FlaggedJobAsync()
    {
        var digits = await factory.CreateDigitsJobAsync(await factory.SignUpAsync(AccountKind.Researcher), 4);
        var reviewer = await factory.SignUpAsync(AccountKind.Worker);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<SetReviewerRole>().HandleAsync(reviewer.Id, true));
        }

        var workers = await factory.InsertWorkersAsync(2);
        var items = digits.Items;
        var answers = await factory.InsertSubmissionsAsync(digits.Job.Id, [
            (items[0].ItemId, workers[0].Id, ReviewData.Wrong(items[0].Truth)),
            (items[1].ItemId, reviewer.Id, ReviewData.Wrong(items[1].Truth)),
            (items[2].ItemId, workers[1].Id, ReviewData.Right(items[2].Truth)),
        ]);
        await factory.ReviewEverythingAsync();
        return (digits, reviewer, answers);
    }

    [Fact]
    public async Task HandleAsync_Reviewer_SeesFlaggedAnswersWithVerdictAndEvidenceButNotTheirOwn()
    {
        var (digits, reviewer, answers) = await FlaggedJobAsync();

        var result = await factory.Services.GetRequiredService<FlaggedSubmissions>()
            .HandleAsync(ReviewData.Principal(reviewer.Id, Roles.Worker, Roles.Reviewer), new FlaggedQuery(digits.Job.Id));

        Assert.True(result.IsSuccess, result.Error?.Message);
        await using var db = factory.Database.CreateContext();
        var flagged = await db.Assignments.Where(a => a.JobId == digits.Job.Id && a.ReviewState == ReviewState.NeedsReview).Select(a => a.Id).ToListAsync();
        Assert.Contains(answers[0], flagged);
        Assert.Contains(answers[1], flagged);
        Assert.Equal(flagged.Where(id => id != answers[1]).Order(), result.Value!.Submissions.Select(s => s.AssignmentId).Order());
        Assert.Equal(new FlaggedJob(digits.Job.Id, digits.Job.Name, flagged.Count - 1), Assert.Single(result.Value.Jobs, j => j.JobId == digits.Job.Id));

        var shown = result.Value.Submissions.Single(s => s.AssignmentId == answers[0]);
        var verdict = await db.Verdicts.SingleAsync(v => v.AssignmentId == answers[0]);
        Assert.Equal((digits.Items[0].ItemId, ReviewData.Wrong(digits.Items[0].Truth)), (shown.ItemId, shown.WorkerLabel));
        Assert.Equal((verdict.Reason, verdict.ModelLabel, verdict.Confidence, 1), (shown.Reason, shown.ModelLabel, shown.Confidence, shown.ModelVersion));
        Assert.Matches("^model (says|unsure)", shown.Reason);
        var evidence = VerdictEvidence.Parse(shown.Evidence);
        Assert.Equal(3, evidence.TopClasses.Count);
        Assert.Equal(shown.ModelLabel, evidence.TopClasses[0].Label);
    }

    [Theory]
    [InlineData(Roles.Worker)]
    [InlineData(Roles.Researcher)]
    public async Task HandleAsync_NotAReviewer_Forbidden(string role)
    {
        await FlaggedJobAsync();

        var result = await factory.Services.GetRequiredService<FlaggedSubmissions>().HandleAsync(ReviewData.Principal("someone", role), new FlaggedQuery());

        Assert.Equal("forbidden", result.Error?.Code);
    }

    [Fact]
    public async Task ItemFile_Reviewer_SeesFlaggedItemsOnly_WorkerWithoutLeaseSeesNone()
    {
        var (digits, reviewer, _) = await FlaggedJobAsync();
        var reviewerBrowser = await factory.SignInAsync(reviewer);
        var workerBrowser = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Worker));

        using var flagged = await reviewerBrowser.GetAsync($"/items/{digits.Items[0].ItemId}/file");
        using var unanswered = await reviewerBrowser.GetAsync($"/items/{digits.Items[3].ItemId}/file");
        using var byWorker = await workerBrowser.GetAsync($"/items/{digits.Items[0].ItemId}/file");

        Assert.Equal(HttpStatusCode.OK, flagged.StatusCode);
        Assert.Equal("image/png", flagged.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, unanswered.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, byWorker.StatusCode);
    }

    [Fact]
    public async Task JobCounts_AfterReview_CountEachReviewState()
    {
        var (digits, _, _) = await FlaggedJobAsync();
        await using var db = factory.Database.CreateContext();
        var states = await db.Assignments.Where(a => a.JobId == digits.Job.Id).Select(a => a.ReviewState).ToListAsync();

        var counts = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([digits.Job.Id]))[digits.Job.Id].Review;

        Assert.Equal(
            new ReviewCounts(0, states.Count(s => s == ReviewState.Accepted), states.Count(s => s == ReviewState.NeedsReview), 0),
            counts);
        Assert.Equal(3, counts.Total);
        Assert.True(counts.NeedsReview >= 2);
    }

    /// <summary>What the page shows is the end-to-end tests' part (it renders on the live circuit only).</summary>
    [Fact]
    public async Task ReviewPage_ReviewerLetIn_WorkerTurnedAway()
    {
        var (_, reviewer, _) = await FlaggedJobAsync();
        var reviewerBrowser = await factory.SignInAsync(reviewer);
        var workerBrowser = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Worker));

        using var page = await reviewerBrowser.GetAsync("/review");
        using var refused = await workerBrowser.GetAsync("/review");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/denied", refused.Headers.Location?.ToString());
    }
}
