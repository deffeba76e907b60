using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.Demo;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Inputs;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>The review worker's model-sized input copies on the real database and item store.</summary>
public class ReviewInputsTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private const string Unreadable = "the image could not be read for the model";

    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static readonly ModelDescriptor DigitsDescriptor = DemoSeeder.DigitsModel;

    private IItemStore Store => factory.Services.GetRequiredService<IItemStore>();

    private static string SeedData(string name) => Path.Combine(AppContext.BaseDirectory, "SeedData", name);

    [Fact]
    public async Task RegisterModel_JobWithItems_AsksForTheCopiesInTheBackground()
    {
        var job = await RunningDigitsJobAsync(3);

        var enqueued = await factory.ScalarAsync<long>(
            "SELECT count(*) FROM hangfire.job WHERE invocationdata::text LIKE '%InputCopiesJob%' AND arguments::text LIKE '%' || $1 || '%'", job.Id.ToString());

        Assert.Equal(1, enqueued);
    }

    [Fact]
    public async Task MakeInputCopies_AfterRegistering_EveryImageHasACopyWithTheOriginalsValues()
    {
        var job = await RunningDigitsJobAsync(4);

        var made = await factory.Services.GetRequiredService<MakeInputCopies>().RunAsync(job.Id);
        var again = await factory.Services.GetRequiredService<MakeInputCopies>().RunAsync(job.Id);

        Assert.Equal((4, 0), (made, again));
        foreach (var item in await factory.ItemsAsync(job.Id))
        {
            var fromCopy = new float[ImagePreprocessor.ValuesPerImage(DigitsDescriptor)];
            ImagePreprocessor.WriteValues(InputCopies.Read(Store, item.StorageKey, DigitsDescriptor), DigitsDescriptor, fromCopy);
            var fromOriginal = new float[fromCopy.Length];
            ImagePreprocessor.Fill(ReadAll(item.StorageKey), DigitsDescriptor, fromOriginal);
            Assert.Equal(fromOriginal, fromCopy);
        }
    }

    [Fact]
    public async Task RunOnceAsync_NoCopiesMadeYet_EveryAnswerJudgedAndTheCopiesKept()
    {
        var job = await RunningDigitsJobAsync(6);
        var items = await factory.ItemsAsync(job.Id);
        Assert.All(items, i => Assert.Null(InputCopies.Read(Store, i.StorageKey, DigitsDescriptor)));
        await AnswerAllAsync(job, items.Count);

        var reviewed = await factory.Services.GetRequiredService<ReviewPending>().RunOnceAsync();

        Assert.Equal(6, reviewed);
        var verdicts = await VerdictsAsync(job.Id);
        Assert.Equal(6, verdicts.Count);
        Assert.DoesNotContain(verdicts, v => v.Reason == Unreadable);
        Assert.All(items, i => Assert.NotNull(InputCopies.Read(Store, i.StorageKey, DigitsDescriptor)));
    }

    [Fact]
    public async Task RunOnceAsync_OneImageCorruptInTheStore_ThatAnswerNeedsReviewAndTheOthersAreJudged()
    {
        var job = await RunningDigitsJobAsync(5);
        var items = await factory.ItemsAsync(job.Id);
        await Store.PutAsync(items[2].StorageKey, "this is not a PNG"u8.ToArray(), default);
        await AnswerAllAsync(job, items.Count);

        var reviewed = await factory.Services.GetRequiredService<ReviewPending>().RunOnceAsync();

        Assert.Equal(5, reviewed);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var byItem = await db.Verdicts.Where(v => v.JobId == job.Id)
            .Join(db.Assignments, v => v.AssignmentId, a => a.Id, (v, a) => new { a.ItemId, v.Outcome, v.Reason }).ToListAsync();
        var corrupt = Assert.Single(byItem, v => v.ItemId == items[2].Id);
        Assert.Equal((ReviewState.NeedsReview, Unreadable), (corrupt.Outcome, corrupt.Reason));
        Assert.All(byItem.Where(v => v.ItemId != items[2].Id), v => Assert.NotEqual(Unreadable, v.Reason));
        Assert.Null(InputCopies.Read(Store, items[2].StorageKey, DigitsDescriptor));
    }

    private async Task<Job> RunningDigitsJobAsync(int count)
    {
        var digits = DigitImages.Read(SeedData("digits.csv.gz")).Where(d => d.Row >= 1200).Take(count).ToList();
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
        return job;
    }

    private async Task AnswerAllAsync(Job job, int count)
    {
        foreach (var worker in await factory.InsertWorkersAsync(count))
        {
            await factory.AnswerNextAsync(job, worker, "3");
        }

        Assert.Equal(count, await factory.ScalarAsync<int>("SELECT count(*)::int FROM assignments WHERE job_id = $1 AND review_state = 'Pending'", job.Id));
    }

    private async Task<List<Verdict>> VerdictsAsync(Guid jobId)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        return await db.Verdicts.Where(v => v.JobId == jobId).ToListAsync();
    }

    private byte[] ReadAll(string key)
    {
        using var stream = Store.OpenRead(key)!;
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
