using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Seed;

public class DemoSeederTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task SeedAsync_Twice_OneRunningJobOfEachKindWithItsItemsAndNothingDoubled()
    {
        for (var run = 0; run < 2; run++)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(TextWriter.Null);
        }

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var jobs = await db.Jobs.Select(j => new { j.Name, j.Kind, j.Status, Items = db.Items.Count(i => i.JobId == j.Id) }).OrderBy(j => j.Name).ToListAsync();

        Assert.Equal(
            [
                ("Handwritten digits", TaskKind.ImageClassification, DemoSeeder.DigitCount),
                ("Handwritten digits, model first", TaskKind.ImageClassification, 300),
                ("Objects in photos", TaskKind.BoundingBoxes, 6),
                ("Photo tags", TaskKind.ImageMultiLabel, 6),
                ("Review sentiment", TaskKind.TextClassification, 20),
            ],
            jobs.Select(j => (j.Name, j.Kind, j.Items)));
        Assert.All(jobs, j => Assert.Equal(j.Name == DemoSeeder.PrefilteredJobName ? JobStatus.Ready : JobStatus.Running, j.Status));

        // The job waiting for launch has its pre-filter queued once for the review worker.
        var runs = await db.PrefilterRuns.Join(db.Jobs, r => r.JobId, j => j.Id, (r, j) => new { j.Name, r.Status, r.Total }).ToListAsync();
        Assert.Equal((DemoSeeder.PrefilteredJobName, global::LabelPlatform.Review.Prefilter.PrefilterStatus.Running, 300), runs.Select(r => (r.Name, r.Status, r.Total)).Single());
    }
}
