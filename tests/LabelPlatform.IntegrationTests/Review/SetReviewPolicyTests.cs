using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

public class SetReviewPolicyTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private SetReviewPolicy SetPolicy => factory.Services.GetRequiredService<SetReviewPolicy>();

    [Fact]
    public async Task HandleAsync_NewSettings_KeptOnTheJobAndDefaultsBefore()
    {
        var job = await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher));
        Assert.Equal(ReviewPolicy.Default, await PolicyOfAsync(job.Id));
        var wanted = new ReviewPolicy(0.95f, 0.8f, true, 0.1f, false);

        Assert.Null(await SetPolicy.HandleAsync(job.Id, job.OrganisationId, wanted));

        Assert.Equal(wanted, await PolicyOfAsync(job.Id));
    }

    [Fact]
    public async Task HandleAsync_OutOfRangeOrSomeoneElsesJob_RefusedAndUnchanged()
    {
        var job = await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher));
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);

        var tooSure = await SetPolicy.HandleAsync(job.Id, job.OrganisationId, ReviewPolicy.Default with { AcceptConfidence = 1.5f });
        var audit = await SetPolicy.HandleAsync(job.Id, job.OrganisationId, ReviewPolicy.Default with { AuditShare = -0.1f });
        var notTheirs = await SetPolicy.HandleAsync(job.Id, stranger.OrganisationId!.Value, ReviewPolicy.Default with { ModelMayReject = true });

        Assert.Equal(("validation", "validation", "not_found"), (tooSure?.Code, audit?.Code, notTheirs?.Code));
        Assert.Equal(ReviewPolicy.Default, await PolicyOfAsync(job.Id));
    }

    private async Task<ReviewPolicy> PolicyOfAsync(Guid jobId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Jobs.Where(j => j.Id == jobId).Select(j => j.ReviewPolicy).SingleAsync();
    }
}
