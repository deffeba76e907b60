using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Review.Models;
using LabelPlatform.Testing;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

public class RegisterModelTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static readonly ModelDescriptor DigitsDescriptor = DemoSeeder.DigitsModel;

    private static byte[] DigitsModel => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "SeedData", "models", "digits-mlp.onnx"));

    private RegisterModel Register => factory.Services.GetRequiredService<RegisterModel>();

    [Fact]
    public async Task HandleAsync_ValidModelTwice_KeptAsVersionsOneAndTwoWithTheDescriptorAndTheFile()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher, labels: Digits);

        var first = await Register.HandleAsync(job.Id, job.OrganisationId, researcher.Id, "digits.onnx", DigitsModel, DigitsDescriptor);
        var second = await Register.HandleAsync(job.Id, job.OrganisationId, researcher.Id, "digits-v2.onnx", DigitsModel, DigitsDescriptor with { ScoreThreshold = 0.5f });

        Assert.True(first.IsSuccess && second.IsSuccess, first.Error?.Message ?? second.Error?.Message);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var kept = await db.ReviewModels.Where(m => m.JobId == job.Id).OrderBy(m => m.Version).ToListAsync();
        Assert.Equal([(1, "digits.onnx"), (2, "digits-v2.onnx")], kept.Select(m => (m.Version, m.FileName)));
        Assert.Equal(DigitsDescriptor.LabelMap, kept[0].Descriptor.LabelMap);
        Assert.Equal((ColourOrder.Grey, 0.5f), (kept[1].Descriptor.Colour, kept[1].Descriptor.ScoreThreshold));
        await using var stored = factory.Services.GetRequiredService<IItemStore>().OpenRead(kept[0].StorageKey);
        Assert.NotNull(stored);
        Assert.Equal(DigitsModel.LongLength, stored.Length);
    }

    [Fact]
    public async Task HandleAsync_InvalidModel_RefusedWithTheReasonAndNothingKept()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher, labels: Digits);

        var result = await Register.HandleAsync(job.Id, job.OrganisationId, researcher.Id, "digits.onnx", DigitsModel, DigitsDescriptor with { InputName = "pixels" });

        Assert.Equal("invalid_model", result.Error?.Code);
        Assert.StartsWith("The model has no input \"pixels\"", result.Error!.Message);
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        Assert.False(await db.ReviewModels.AnyAsync(m => m.JobId == job.Id));
        Assert.False(Directory.Exists(Path.Combine(factory.StorageRoot, "models", job.Id.ToString("N"))));
    }

    [Fact]
    public async Task HandleAsync_AnotherOrganisationsJob_NotFound()
    {
        var job = await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher), labels: Digits);
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);

        var result = await Register.HandleAsync(job.Id, stranger.OrganisationId!.Value, stranger.Id, "digits.onnx", DigitsModel, DigitsDescriptor);

        Assert.Equal("not_found", result.Error?.Code);
    }
}
