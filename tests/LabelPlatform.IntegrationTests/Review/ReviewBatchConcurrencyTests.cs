using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Review.Batches;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>Reviewers claiming at the same moment, on a database of their own (so "any job" means this job).</summary>
public class ReviewBatchConcurrencyTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task ClaimAsync_ReviewersAtOnce_NeverShareASubmission()
    {
        var (digits, flagged) = await ReviewBatchesTests.FlaggedJobAsync(factory, 45);
        var reviewers = new List<System.Security.Claims.ClaimsPrincipal>();
        for (var i = 0; i < 3; i++)
        {
            reviewers.Add((await ReviewBatchesTests.ReviewerAsync(factory)).Principal);
        }

        for (var round = 0; round < 10; round++)
        {
            // Half the rounds name the job, half ask for any job.
            var results = await Task.WhenAll(reviewers.Select(r => Task.Run(() => factory.Services.GetRequiredService<ClaimReviewBatch>().HandleAsync(r, round % 2 == 0 ? digits.Job.Id : null))));

            var batches = results.Select(r => r.Value).ToList();
            Assert.All(batches, b => Assert.NotNull(b));
            var taken = batches.SelectMany(b => b!.AssignmentIds).ToList();
            Assert.Equal(taken.Count, taken.Distinct().Count());
            Assert.Equal(Math.Min(flagged.Count, 3 * 20), taken.Count);
            Assert.All(taken, id => Assert.Contains(id, flagged));
            Assert.Equal(3, batches.Select(b => b!.BatchId).Distinct().Count());
            Assert.True(await factory.ScalarAsync<long>("SELECT count(*) FROM assignments WHERE job_id = $1 AND review_batch_id IS NOT NULL AND review_batch_id IN (SELECT id FROM review_batches WHERE status = 'Open')", digits.Job.Id) == taken.Count);

            // Abandoned: the sweep returns every submission for the next round.
            Assert.Equal(3, await ReviewBatchesTests.ExpireAllBatchesAsync(factory, digits.Job.Id));
            Assert.Equal(3, await factory.Services.GetRequiredService<ExpireReviewBatches>().HandleAsync());
        }
    }
}
