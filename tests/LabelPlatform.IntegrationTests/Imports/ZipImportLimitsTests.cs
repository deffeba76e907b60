using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Testing;
using static LabelPlatform.IntegrationTests.Imports.ImportChecks;

namespace LabelPlatform.IntegrationTests.Imports;

public class ZipImportLimitsTests(SmallLimitsFactory factory) : IClassFixture<SmallLimitsFactory>
{
    [Fact]
    public async Task ImportAsync_WithinEveryLimit_Succeeds()
    {
        var job = await NewJobAsync();
        using var zip = TestZips.Build(("a.png", TestZips.Digit(0)), ("b.png", Pngs.Noise(110, 110, seed: 1)));

        var report = await factory.ImportAsync(job, zip);

        Assert.True(report.Succeeded, report.Summary);
        Assert.Equal(2, (await factory.ItemsAsync(job.Id)).Count);
    }

    [Fact]
    public async Task ImportAsync_FileOverByteLimit_RejectsItAndStoresNothing()
    {
        var coins = await File.ReadAllBytesAsync(TestZips.DataPath("coins.png"));
        Assert.InRange(coins.Length, SmallLimitsFactory.MaxFileBytes + 1, SmallLimitsFactory.MaxExpandedBytes - 1_000);
        var job = await NewJobAsync();
        using var zip = TestZips.Build(("ok.png", TestZips.Digit(0)), ("big/coins.png", coins));

        var report = await factory.ImportAsync(job, zip);

        AssertRejected(report, "big/coins.png", "more than the limit", "bytes per file");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_ImageOverPixelLimit_RejectsItAndStoresNothing()
    {
        var wide = Pngs.Solid(200, 200);
        Assert.True(wide.Length < SmallLimitsFactory.MaxFileBytes);
        var job = await NewJobAsync();
        using var zip = TestZips.Build(("ok.png", TestZips.Digit(0)), ("wide.png", wide));

        var report = await factory.ImportAsync(job, zip);

        AssertRejected(report, "wide.png", "200×200 pixels", "more than the limit");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_TooManyFiles_ReportsTheLimitAndStoresNothing()
    {
        var job = await NewJobAsync();
        using var zip = TestZips.Images(SmallLimitsFactory.MaxFiles + 1);

        var report = await factory.ImportAsync(job, zip);

        AssertArchiveError(report, "holds 4 files", "the limit is 3");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_ExpandedSizeOverLimit_ReportsTheLimitAndStoresNothing()
    {
        var noisy = Enumerable.Range(0, 3).Select(i => ($"noise/{i}.png", Pngs.Noise(110, 110, seed: i))).ToArray();
        Assert.All(noisy, n => Assert.True(n.Item2.Length < SmallLimitsFactory.MaxFileBytes));
        Assert.True(noisy.Sum(n => n.Item2.Length) > SmallLimitsFactory.MaxExpandedBytes);
        var job = await NewJobAsync();
        using var zip = TestZips.Build(noisy);

        var report = await factory.ImportAsync(job, zip);

        AssertArchiveError(report, "expands to", "the limit is");
        await AssertNothingStoredAsync(factory, job);
    }

    private async Task<Job> NewJobAsync() => await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher));
}
