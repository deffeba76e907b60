using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.Demo;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>The review worker's batch on the real database with the real digits model.</summary>
public class ReviewPendingTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static readonly ModelDescriptor DigitsDescriptor = DemoSeeder.DigitsModel;

    private static string SeedData(string name) => Path.Combine(AppContext.BaseDirectory, "SeedData", name);

    [Fact]
    public async Task RunOnceAsync_AnswersRightAndWrong_EachGetsThePolicysVerdictWithTheModelVersionOnce()
    {
        var digits = DigitImages.Read(SeedData("digits.csv.gz")).Where(d => d.Row >= 1200).Take(12).ToList();
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher, answersPerItem: 1, labels: Digits);
        using (var zip = DigitImages.ZipOf(digits, digits.Count))
        {
            Assert.True((await factory.ImportAsync(job, zip)).Succeeded);
        }

        await factory.LaunchAsync(job);
        var model = await factory.Services.GetRequiredService<RegisterModel>()
            .HandleAsync(job.Id, job.OrganisationId, researcher.Id, "digits.onnx", File.ReadAllBytes(SeedData("models/digits-mlp.onnx")), DigitsDescriptor);
        Assert.True(model.IsSuccess, model.Error?.Message);
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u.SetProperty(j => j.ReviewPolicy, ReviewPolicy.Default with { AuditShare = 0 }));
        }

        // Items come in upload order; half the workers answer the truth, half a wrong digit.
        var items = await factory.ItemsAsync(job.Id);
        var workers = await factory.InsertWorkersAsync(digits.Count);
        var given = new Dictionary<Guid, string>();
        for (var i = 0; i < digits.Count; i++)
        {
            var claim = (await factory.ClaimAsync(job, workers[i])).Value!;
            var truth = digits[items.FindIndex(it => it.Id == claim.ItemId)].Label;
            var label = (i % 2 == 0 ? truth : (truth + 1) % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.True((await factory.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, workers[i].Id, Answer.OneLabel(label))).IsSuccess);
            given[claim.AssignmentId] = label;
        }

        Assert.Equal(digits.Count, await factory.ScalarAsync<int>("SELECT count(*)::int FROM assignments WHERE job_id = $1 AND review_state = 'Pending'", job.Id));

        var review = factory.Services.GetRequiredService<ReviewPending>();
        var reviewed = await review.RunOnceAsync();
        var again = await review.RunOnceAsync();

        Assert.Equal((digits.Count, 0), (reviewed, again));
        await using var check = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var verdicts = await check.Verdicts.Where(v => v.JobId == job.Id).ToListAsync();
        Assert.Equal(digits.Count, verdicts.Count);
        foreach (var verdict in verdicts)
        {
            var expected = ReviewPolicy.Default.Decide(given[verdict.AssignmentId], verdict.ModelLabel, verdict.Confidence, false);
            Assert.Equal(expected.Outcome, verdict.Outcome);
            Assert.Equal((1, model.Value!.Id), (verdict.ModelVersion, verdict.ModelId));
            Assert.Contains("\"top\"", verdict.Evidence);
        }

        Assert.Contains(verdicts, v => v.Outcome == ReviewState.Accepted);
        Assert.Contains(verdicts, v => v.Outcome == ReviewState.NeedsReview && v.Reason.StartsWith("model says", StringComparison.Ordinal));
        Assert.DoesNotContain(verdicts, v => v.Outcome == ReviewState.Rejected);
        var states = await check.Assignments.Where(a => a.JobId == job.Id).Select(a => new { a.Id, a.ReviewState }).ToListAsync();
        Assert.All(states, s => Assert.Equal(verdicts.Single(v => v.AssignmentId == s.Id).Outcome, s.ReviewState));
    }

    [Fact]
    public async Task Submit_JobWithoutAModel_AnswerNeedsNoReview()
    {
        var job = await factory.CreateRunningJobAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 1, answersPerItem: 1);
        var worker = await factory.SignUpAsync(AccountKind.Worker);

        var claim = await factory.AnswerNextAsync(job, worker, "cat");

        Assert.Null((await factory.AssignmentAsync(claim.AssignmentId)).ReviewState);
    }
}
