using System.Net;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs.Examples;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Jobs;

public class JobExamplesTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private JobExamples Examples => factory.Services.GetRequiredService<JobExamples>();

    [Fact]
    public async Task AddAsync_CaptionAndPicture_ListedInOrderAndPictureSeenByTheResearcherAndALeaseHolderOnly()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateRunningJobAsync(researcher, items: 2);
        var coins = await File.ReadAllBytesAsync(TestZips.DataPath("coins.png"));

        var first = await Examples.AddAsync(job.Id, job.OrganisationId, "  A coin: box the rim, not the shadow.  ", coins);
        var second = await Examples.AddAsync(job.Id, job.OrganisationId, "Text only is fine too.", null);

        Assert.True(first.IsSuccess && second.IsSuccess);
        var listed = await Examples.ListAsync(job.Id);
        Assert.Equal(["A coin: box the rim, not the shadow.", "Text only is fine too."], listed.Select(e => e.Caption));
        Assert.Equal((384, 303, "image/png"), (listed[0].Width, listed[0].Height, listed[0].ContentType));

        var holder = await factory.SignUpAsync(AccountKind.Worker);
        Assert.True((await factory.ClaimAsync(job, holder)).IsSuccess);
        var bystander = await factory.SignUpAsync(AccountKind.Worker);
        var url = $"/jobs/{job.Id}/examples/{listed[0].Id}/file";
        foreach (var (user, status) in new[] { (researcher, HttpStatusCode.OK), (holder, HttpStatusCode.OK), (bystander, HttpStatusCode.NotFound) })
        {
            using var browser = await factory.SignInAsync(user);
            using var response = await browser.GetAsync(url);
            Assert.Equal(status, response.StatusCode);
        }

        using var stranger = await factory.SignInAsync(await factory.SignUpAsync(AccountKind.Researcher));
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(url)).StatusCode);
    }

    [Theory]
    [InlineData("", false, "Write what the example shows: the right answer and why.")]
    [InlineData("fine", true, "The picture cannot be used: ")]
    public async Task AddAsync_NoCaptionOrNotAnImage_RefusedAndNothingKept(string caption, bool badPicture, string message)
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher);

        var result = await Examples.AddAsync(job.Id, job.OrganisationId, caption, badPicture ? "not an image"u8.ToArray() : null);

        Assert.StartsWith(message, result.Error?.Message);
        Assert.Empty(await Examples.ListAsync(job.Id));
    }

    [Fact]
    public async Task AddAndRemove_AnotherOrganisationsJob_NotFoundAndNothingChanged()
    {
        var job = await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher));
        var kept = (await Examples.AddAsync(job.Id, job.OrganisationId, "Kept", null)).Value!;
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);

        var added = await Examples.AddAsync(job.Id, stranger.OrganisationId!.Value, "Sneaky", null);
        var removed = await Examples.RemoveAsync(job.Id, stranger.OrganisationId!.Value, kept.Id);

        Assert.Equal(("not_found", "not_found"), (added.Error?.Code, removed?.Code));
        Assert.Equal(["Kept"], (await Examples.ListAsync(job.Id)).Select(e => e.Caption));
        Assert.Null(await Examples.RemoveAsync(job.Id, job.OrganisationId, kept.Id));
        Assert.Empty(await Examples.ListAsync(job.Id));
    }
}
