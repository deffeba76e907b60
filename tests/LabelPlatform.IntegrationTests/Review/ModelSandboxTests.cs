using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing;
using LabelPlatform.Testing.Onnx;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>
/// Hostile review models, built by the tests: the ones that reach outside their file are refused
/// before anything loads them; the ones that would eat the machine are loaded only in the check
/// process, which is stopped at its limit, and the refusal names the limit.
/// </summary>
public class ModelSandboxTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static async Task<string> FileOfAsync(byte[] model)
    {
        var path = Path.Combine(Path.GetTempPath(), $"lp-test-model-{Guid.NewGuid():N}.onnx");
        await File.WriteAllBytesAsync(path, model);
        return path;
    }

    private static async Task<LabelPlatform.Common.Error?> CheckAsync(byte[] model, double cpuSeconds = 30, int memoryMiB = 2048)
    {
        var sandbox = new ModelSandbox(Options.Create(new ReviewOptions { ModelCheckCpuSeconds = cpuSeconds, ModelCheckMemoryMiB = memoryMiB }));
        var path = await FileOfAsync(model);
        try
        {
            return await sandbox.CheckAsync(path, DemoSeeder.DigitsModel, TaskKind.ImageClassification, Digits);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Register_ModelWhoseWeightsPointAtTheServersSettings_RefusedAndNothingKept()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher, labels: Digits);

        foreach (var model in new[] { HostileModels.ExternalData("../../appsettings.json"), HostileModels.CustomOperator("com.example.evil") })
        {
            var result = await factory.Services.GetRequiredService<RegisterModel>()
                .HandleAsync(job.Id, job.OrganisationId, researcher.Id, "model.onnx", model, DemoSeeder.DigitsModel);

            Assert.Equal("invalid_model", result.Error?.Code);
            Assert.Matches("keeps its data in another file \\(\"../../appsettings.json\"\\)|custom operator domain \"com.example.evil\"", result.Error!.Message);
        }

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.ReviewModels.AnyAsync(m => m.JobId == job.Id));
        Assert.False(Directory.Exists(Path.Combine(factory.StorageRoot, "models", job.Id.ToString("N"))));
    }

    [Fact]
    public async Task Check_HonestModel_PassesInItsOwnProcess() =>
        Assert.Null(await CheckAsync(HostileModels.LongLoop(10)));

    [Fact]
    public async Task Check_ModelThatFillsGigabytes_StoppedAtTheMemoryLimitAndSaysSo()
    {
        var error = await CheckAsync(HostileModels.HugeTensor(16_384), memoryMiB: 300);

        Assert.Equal("invalid_model", error?.Code);
        Assert.Equal("The model needed more than 300 MiB of memory to load and run a test batch of two images, the limit for a review model.", error!.Message);
    }

    [Fact]
    public async Task Check_ModelThatLoopsForHours_StoppedAtTheCpuLimitAndSaysSo()
    {
        var error = await CheckAsync(HostileModels.LongLoop(4_000_000_000), cpuSeconds: 3);

        Assert.Equal("invalid_model", error?.Code);
        Assert.Equal("The model needed more than 3 seconds of CPU time to load and run a test batch of two images, the limit for a review model.", error!.Message);
    }
}
