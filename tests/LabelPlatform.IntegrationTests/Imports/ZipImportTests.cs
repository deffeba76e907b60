using System.Security.Cryptography;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using static LabelPlatform.IntegrationTests.Imports.ImportChecks;

namespace LabelPlatform.IntegrationTests.Imports;

public class ZipImportTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private const string GoodFirst = "batch/good.png";

    [Fact]
    public async Task ImportAsync_NestedImagesWithSystemFiles_StoresEveryImageInZipOrderAndIgnoresSystemFiles()
    {
        var job = await NewJobAsync();
        var coins = await File.ReadAllBytesAsync(TestZips.DataPath("coins.png"));
        var rocket = await File.ReadAllBytesAsync(TestZips.DataPath("rocket.jpg"));
        var expected = new (string Path, byte[] Bytes, string ContentType, int Width, int Height)[]
        {
            ("photos/2024/coins.png", coins, "image/png", 384, 303),
            ("photos/rocket.jpg", rocket, "image/jpeg", 640, 427),
            ("digits/a/zero.png", TestZips.Digit(0), "image/png", 128, 128),
            ("digits/b/deep/one.png", TestZips.Digit(1), "image/png", 128, 128),
        };
        using var zip = TestZips.Build(
            ("photos/", []),
            (expected[0].Path, expected[0].Bytes),
            ("__MACOSX/._x.png", [0, 5, 22, 7, 0, 2, 0, 0]),
            (expected[1].Path, expected[1].Bytes),
            ("photos/.DS_Store", [0, 0, 0, 1, 66, 117, 100, 49]),
            (expected[2].Path, expected[2].Bytes),
            (expected[3].Path, expected[3].Bytes));

        var report = await factory.ImportAsync(job, zip);

        Assert.True(report.Succeeded, report.Summary);
        Assert.Equal(4, report.ItemsAdded);
        Assert.Equal("Imported 4 items.", report.Summary);
        Assert.Equal(0, report.Rejected);
        Assert.Equal(
            ["__MACOSX/._x.png", "photos/.DS_Store"],
            report.Files.Where(f => f.Outcome == FileOutcome.Ignored).Select(f => f.Path));
        Assert.All(report.Files.Where(f => f.Outcome == FileOutcome.Ignored), f => Assert.Contains("ignored", f.Reason));
        Assert.DoesNotContain(report.Files, f => f.Path == "photos/");

        var items = await factory.ItemsAsync(job.Id);
        Assert.Equal(expected.Select(e => e.Path), items.Select(i => i.SourceName));
        Assert.Equal([0, 1, 2, 3], items.Select(i => i.Ordinal));
        var store = factory.Services.GetRequiredService<IItemStore>();
        foreach (var (item, file) in items.Zip(expected))
        {
            Assert.Equal(file.Bytes.Length, item.ByteSize);
            Assert.Equal(file.ContentType, item.ContentType);
            Assert.Equal((file.Width, file.Height), (item.Width, item.Height));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(file.Bytes)), item.Sha256);
            Assert.Equal(job.AnswersPerItem, item.RemainingSlots);
            await using var stored = store.OpenRead(item.StorageKey);
            Assert.NotNull(stored);
            using var copy = new MemoryStream();
            await stored.CopyToAsync(copy);
            Assert.Equal(file.Bytes, copy.ToArray());
        }

        Assert.Equal(4, FilesOf(factory, job).Length);
        Assert.Equal(JobStatus.Ready, await factory.JobStatusAsync(job.Id));
    }

    [Fact]
    public async Task ImportAsync_SecondZip_AppendsItemsWithContinuingOrdinals()
    {
        var job = await NewJobAsync();
        using (var first = TestZips.Images(3))
        {
            Assert.True((await factory.ImportAsync(job, first)).Succeeded);
        }

        using var second = TestZips.Build(("more/a.png", TestZips.Digit(10)), ("more/b.png", TestZips.Digit(11)));
        var report = await factory.ImportAsync(job, second);

        Assert.True(report.Succeeded, report.Summary);
        Assert.Equal(2, report.ItemsAdded);
        var items = await factory.ItemsAsync(job.Id);
        Assert.Equal([0, 1, 2, 3, 4], items.Select(i => i.Ordinal));
        Assert.Equal(["img/000.png", "img/001.png", "img/002.png", "more/a.png", "more/b.png"], items.Select(i => i.SourceName));
        Assert.Equal(5, FilesOf(factory, job).Length);
    }

    [Fact]
    public async Task ImportAsync_TextFile_RejectsItAsNotAnImageAndStoresNothing()
    {
        var (job, report) = await ImportBesideGoodImageAsync(("batch/notes.png", "these are my notes"u8.ToArray()));

        AssertRejected(report, "batch/notes.png", "not an image");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_TruncatedPng_RejectsItAsTruncatedAndStoresNothing()
    {
        var coins = await File.ReadAllBytesAsync(TestZips.DataPath("coins.png"));

        var (job, report) = await ImportBesideGoodImageAsync(("batch/cut.png", coins[..(coins.Length / 2)]));

        AssertRejected(report, "batch/cut.png", "truncated", "PNG");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_GarbageAfterPngSignature_RejectsItAsCorruptAndStoresNothing()
    {
        var bytes = new byte[300];
        new Random(7).NextBytes(bytes);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(bytes, 0);

        var (job, report) = await ImportBesideGoodImageAsync(("batch/corrupt.png", bytes));

        AssertRejected(report, "batch/corrupt.png", "corrupt", "PNG");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_EmptyFile_RejectsItAsEmptyAndStoresNothing()
    {
        var (job, report) = await ImportBesideGoodImageAsync(("batch/empty.png", []));

        AssertRejected(report, "batch/empty.png", "empty", "0 bytes");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_ParentFolderPath_RejectsItAsEscapingAndStoresNothing()
    {
        var (job, report) = await ImportBesideGoodImageAsync(("../evil.png", TestZips.Digit(5)));

        AssertRejected(report, "../evil.png", "escapes", "..");
        await AssertNothingStoredAsync(factory, job);
        Assert.False(File.Exists(Path.Combine(factory.StorageRoot, "evil.png")));
    }

    [Fact]
    public async Task ImportAsync_AbsolutePath_RejectsItAndStoresNothing()
    {
        var (job, report) = await ImportBesideGoodImageAsync(("/etc/evil.png", TestZips.Digit(5)));

        AssertRejected(report, "/etc/evil.png", "absolute path");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_SamePathTwice_RejectsTheSecondAndStoresNothing()
    {
        var (job, report) = await ImportBesideGoodImageAsync(("batch/twin.png", TestZips.Digit(3)), ("batch/twin.png", TestZips.Digit(4)));

        Assert.Equal(FileOutcome.Accepted, report.Files.First(f => f.Path == "batch/twin.png").Outcome);
        AssertRejected(report, "batch/twin.png", "same path appears twice");
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_NotAZip_ReportsAnArchiveErrorAndStoresNothing()
    {
        var job = await NewJobAsync();
        var bytes = new byte[4096];
        new Random(11).NextBytes(bytes);

        var report = await factory.ImportAsync(job, new MemoryStream(bytes));

        AssertArchiveError(report, "not a zip");
        Assert.Empty(report.Files);
        await AssertNothingStoredAsync(factory, job);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ImportAsync_DirectoryDeclaresMillionsOfEntries_RefusedBeforeTheDirectoryIsRead(bool zip64)
    {
        var job = await NewJobAsync();
        var bytes = ForgeDeclaredEntries(TestZips.Images(1).ToArray(), zip64 ? 5_000_000_000L : 65_000);

        var report = await factory.ImportAsync(job, new MemoryStream(bytes));

        // A damaged directory would say "not a zip": this refusal came from the end record alone.
        AssertArchiveError(report, "directory lists", zip64 ? "5,000,000,000 entries" : "65,000 entries", "at most 10,000 files");
        Assert.Empty(report.Files);
        await AssertNothingStoredAsync(factory, job);
    }

    /// <summary>Rewrites the zip's end record (and, for Zip64, adds the Zip64 records) to declare <paramref name="entries"/> entries.</summary>
    private static byte[] ForgeDeclaredEntries(byte[] zip, long entries)
    {
        var end = zip.Length - 22;
        Assert.Equal(0x06054b50u, System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end)));
        if (entries <= ushort.MaxValue)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 8), (ushort)entries);
            System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 10), (ushort)entries);
            return zip;
        }

        var directorySize = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 12));
        var directoryAt = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(end + 16));
        var record = new byte[56];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(record, 0x06064b50);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(4), 44);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(24), (ulong)entries);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(32), (ulong)entries);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(40), directorySize);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(record.AsSpan(48), directoryAt);
        var locator = new byte[20];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(locator, 0x07064b50);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(locator.AsSpan(8), (ulong)end);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(locator.AsSpan(16), 1);
        var classic = zip[end..];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(classic.AsSpan(8), ushort.MaxValue);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(classic.AsSpan(10), ushort.MaxValue);
        return [.. zip[..end], .. record, .. locator, .. classic];
    }

    [Fact]
    public async Task ImportAsync_JobOfAnotherOrganisation_ReturnsNotFoundAndStoresNothing()
    {
        var job = await NewJobAsync();
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);
        using var zip = TestZips.Images(2);

        var result = await factory.Services.GetRequiredService<ZipImporter>().ImportAsync(job.Id, stranger.OrganisationId!.Value, zip);

        Assert.False(result.IsSuccess);
        Assert.Equal("not_found", result.Error!.Code);
        await AssertNothingStoredAsync(factory, job);
    }

    [Fact]
    public async Task ImportAsync_CompletedJob_ReturnsConflictAndAddsNoItems()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var job = await factory.CreateRunningJobAsync(researcher, items: 1, answersPerItem: 1);
        await factory.AnswerNextAsync(job, worker, "cat");
        Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
        using var zip = TestZips.Images(2);

        var result = await factory.Services.GetRequiredService<ZipImporter>().ImportAsync(job.Id, job.OrganisationId, zip);

        Assert.False(result.IsSuccess);
        Assert.Equal("conflict", result.Error!.Code);
        Assert.Contains("completed", result.Error.Message);
        Assert.Single(await factory.ItemsAsync(job.Id));
        Assert.Single(FilesOf(factory, job));
    }

    private async Task<Job> NewJobAsync() => await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher));

    /// <summary>Imports a good image first, so the check proves a half-staged import is cleaned up, then the bad entries.</summary>
    private async Task<(Job Job, ImportReport Report)> ImportBesideGoodImageAsync(params (string Name, byte[] Content)[] bad)
    {
        var job = await NewJobAsync();
        using var zip = TestZips.Build([(GoodFirst, TestZips.Digit(1)), .. bad]);
        var report = await factory.ImportAsync(job, zip);
        Assert.Equal(FileOutcome.Accepted, report.Files.First(f => f.Path == GoodFirst).Outcome);
        return (job, report);
    }
}
