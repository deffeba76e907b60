using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.Demo;
using LabelPlatform.Exports.Csv;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.FinalLabels;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Prefilter;
using LabelPlatform.Testing;
using LabelPlatform.Web.Seed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>The pre-filter before launch, with the real digits model on the real database.</summary>
public class PrefilterTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static readonly string[] Digits = Enumerable.Range(0, 10).Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string SeedData(string name) => Path.Combine(AppContext.BaseDirectory, "SeedData", name);

    private async Task<(AppUser Researcher, Job Job, List<Digit> Digits)> DigitsJobAsync(int count, bool withModel = true)
    {
        var digits = DigitImages.Read(SeedData("digits.csv.gz")).Where(d => d.Row >= 1200).Take(count).ToList();
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher, answersPerItem: 2, labels: Digits);
        using (var zip = DigitImages.ZipOf(digits, digits.Count))
        {
            Assert.True((await factory.ImportAsync(job, zip)).Succeeded);
        }

        if (withModel)
        {
            var model = await factory.Services.GetRequiredService<RegisterModel>()
                .HandleAsync(job.Id, job.OrganisationId, researcher.Id, "digits.onnx", File.ReadAllBytes(SeedData("models/digits-mlp.onnx")), DemoSeeder.DigitsModel);
            Assert.True(model.IsSuccess, model.Error?.Message);
        }

        return (researcher, job, digits);
    }

    private async Task<PrefilterRun> StartAsync(AppUser researcher, Job job, PrefilterRequest request)
    {
        var started = await factory.Services.GetRequiredService<StartPrefilter>().HandleAsync(job.Id, job.OrganisationId, researcher.Id, request);
        Assert.True(started.IsSuccess, started.Error?.Message);
        return started.Value!;
    }

    private async Task<AppDbContext> DbAsync() => await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();

    [Fact]
    public async Task Run_ConfidentItems_GetMachineLabelsAndNeedNoPeopleExceptTheAuditSample()
    {
        var (researcher, job, digits) = await DigitsJobAsync(60);
        var run = await StartAsync(researcher, job, new PrefilterRequest(0.9f, 0.2f, MachineLabels: true));

        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(run.Id, CancellationToken.None);

        await using var db = await DbAsync();
        var done = await db.PrefilterRuns.SingleAsync(r => r.Id == run.Id);
        var items = await db.Items.Where(i => i.JobId == job.Id).OrderBy(i => i.Ordinal).ToListAsync();
        Assert.Equal((PrefilterStatus.Completed, 60, 60), (done.Status, done.Total, done.Done));
        Assert.All(items, i => Assert.Equal(run.Id, i.PrefilterRunId));

        // Every item carries the model's answer as a suggestion; the sure ones a machine label too.
        Assert.All(items, i => Assert.Single(Answer.FromJson(i.PreAnnotation)!.Labels));
        var machine = items.Where(i => i.MachineLabel is not null).ToList();
        Assert.All(machine, i => Assert.True(i.MachineConfidence >= 0.9f));
        Assert.All(items.Where(i => i.MachineLabel is null), i => Assert.True(i.MachineConfidence < 0.9f));
        Assert.All(machine.Where(i => !i.MachineAudit), i => Assert.Equal(0, i.RemainingSlots));
        Assert.All(items.Where(i => i.MachineLabel is null || i.MachineAudit), i => Assert.Equal(2, i.RemainingSlots));
        Assert.Equal(machine.Count(i => !i.MachineAudit), done.MachineLabelled);
        Assert.Equal(machine.Count(i => i.MachineAudit), done.Audit);
        Assert.InRange(done.MachineLabelled, 30, 59);
        Assert.InRange(done.Audit, 1, 20);

        // The machine labels are the model's opinion of the true digit: nearly all right on these held-out rows.
        var truth = items.Select((item, i) => (item, digits[i].Label.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var right = truth.Count(t => t.item.MachineLabel is not null && t.item.MachineLabel == t.Item2);
        Assert.True(right >= machine.Count - 2, $"{right} of {machine.Count} machine labels are right");

        // Progress counts them as done: the job needs answers only for the rest.
        var counts = (await factory.Services.GetRequiredService<GetJobCounts>().HandleAsync([job.Id]))[job.Id];
        Assert.Equal((done.MachineLabelled, (60 - done.MachineLabelled) * 2), (counts.ItemsDone, counts.AnswersNeeded));
    }

    [Fact]
    public async Task Recompute_AfterPeopleAnswered_CalibratesTheModelAndItsItemsGetFinalAnswersOrGoToPeople()
    {
        var (researcher, job, digits) = await DigitsJobAsync(120);
        var run = await StartAsync(researcher, job, new PrefilterRequest(0.9f, 0.4f, MachineLabels: true));
        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(run.Id, CancellationToken.None);
        await factory.LaunchAsync(job);
        var recompute = factory.Services.GetRequiredService<RecomputeFinalLabels>();

        // Before anyone answered, the model is not calibrated: its items wait, counted for at most 0.9.
        await recompute.HandleAsync(job.Id);
        List<Item> items;
        await using (var db = await DbAsync())
        {
            items = await db.Items.AsNoTracking().Where(i => i.JobId == job.Id).OrderBy(i => i.Ordinal).ToListAsync();
        }

        var held = items.Where(i => i.MachineLabel is not null && !i.MachineAudit).ToList();
        Assert.NotEmpty(held);
        Assert.All(held, i => Assert.Equal((FinalSource.Model, null, 0), (i.FinalSource, i.FinalState, i.RemainingSlots)));
        Assert.False(JobCalibration.FromJson((await SingleJobAsync(job.Id)).ModelCalibration)?.Fitted ?? false);

        // Two honest workers answer everything people get (the audit sample and the items the model was unsure of).
        var truth = items.Select((item, i) => (item.Id, Label: digits[i].Label.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToDictionary(t => t.Id, t => t.Label);
        foreach (var worker in await factory.InsertWorkersAsync(2))
        {
            while ((await factory.ClaimAsync(job, worker)).Value is { } claim)
            {
                Assert.True((await factory.SubmitAsync(claim, worker, truth[claim.ItemId])).IsSuccess);
            }
        }

        await recompute.HandleAsync(job.Id);

        // The calibration is fitted on the answered items the model labelled, and the dashboard has a reliability curve.
        var stored = JobCalibration.FromJson((await SingleJobAsync(job.Id)).ModelCalibration)!;
        Assert.True(stored.Fitted, $"{stored.Cases} cases");
        Assert.NotEmpty(stored.Bins);
        Assert.Equal(stored.Cases, stored.Bins.Sum(b => b.Items));

        // Each held item is now either settled by the model (its calibrated probability reached the job's 0.9) with the
        // model's label as final answer, or handed to people with the job's answers per item; never left in between.
        await using (var db = await DbAsync())
        {
            var now = await db.Items.AsNoTracking().Where(i => held.Select(h => h.Id).Contains(i.Id)).ToListAsync();
            var byModel = now.Where(i => i.FinalSource == FinalSource.Model).ToList();
            var toPeople = now.Where(i => i.FinalSource != FinalSource.Model).ToList();
            Assert.All(byModel, i => Assert.Equal((FinalState.Settled, i.MachineLabel, 0), (i.FinalState, i.FinalLabel, i.RemainingSlots)));
            Assert.All(byModel, i => Assert.True(i.FinalConfidence >= 0.9f));
            Assert.All(toPeople, i => Assert.Equal((null, 2), (i.MachineLabel, i.RemainingSlots)));
            Assert.NotEmpty(byModel);
        }

        // The results say who labelled each item and with which model.
        var csv = await factory.ResultsCsvAsync(job);
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r').Split(',')).ToList();
        var column = lines[0].Select((name, i) => (name, i)).ToDictionary(c => c.name, c => c.i);
        var modelRows = lines.Skip(1).Where(r => r[column["final_source"]] == FinalSource.Model).ToList();
        Assert.NotEmpty(modelRows);
        Assert.All(modelRows, r => Assert.Equal(("done", "digits.onnx v1"), (r[column["status"]], r[column["model_version"]])));
        Assert.All(modelRows, r => Assert.Equal(r[column["machine_label"]], r[column["final_answer"]]));
    }

    private async Task<Job> SingleJobAsync(Guid jobId)
    {
        await using var db = await DbAsync();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
    }

    [Fact]
    public async Task Run_RetriedAfterACrash_CarriesOnWithoutSeeingAnItemTwice()
    {
        var (researcher, job, _) = await DigitsJobAsync(70);
        var run = await StartAsync(researcher, job, new PrefilterRequest(0.9f, 0f, MachineLabels: true));
        var batch = factory.Services.GetRequiredService<PrefilterBatch>();

        // One batch lands, then the worker dies; the retried job picks up the rest.
        var first = await batch.RunOnceAsync(run.Id);
        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(run.Id, CancellationToken.None);
        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(run.Id, CancellationToken.None);

        await using var db = await DbAsync();
        var done = await db.PrefilterRuns.SingleAsync(r => r.Id == run.Id);
        Assert.InRange(first, 1, 69);
        Assert.Equal((PrefilterStatus.Completed, 70, 70), (done.Status, done.Total, done.Done));
        var machine = await db.Items.CountAsync(i => i.JobId == job.Id && i.MachineLabel != null);
        Assert.Equal(machine, done.MachineLabelled);
    }

    [Fact]
    public async Task Run_JobLaunchedMidway_StopsAndLeavesTheRestToPeople()
    {
        var (researcher, job, _) = await DigitsJobAsync(70);
        var run = await StartAsync(researcher, job, new PrefilterRequest(0.5f, 0f, MachineLabels: true));
        var batch = factory.Services.GetRequiredService<PrefilterBatch>();
        var first = await batch.RunOnceAsync(run.Id);

        await factory.LaunchAsync(job);
        var after = await batch.RunOnceAsync(run.Id);

        await using var db = await DbAsync();
        var stopped = await db.PrefilterRuns.SingleAsync(r => r.Id == run.Id);
        Assert.Equal((0, PrefilterStatus.Stopped, first), (after, stopped.Status, stopped.Done));
        Assert.Contains("launched", stopped.Message);
        Assert.Equal(64, first);
        Assert.Equal(70 - first, await db.Items.CountAsync(i => i.JobId == job.Id && i.PrefilterRunId == null && i.RemainingSlots == 2));
    }

    [Fact]
    public async Task Start_SecondRunWhileOneIsGoing_IsRefused()
    {
        var (researcher, job, _) = await DigitsJobAsync(4);
        await StartAsync(researcher, job, new PrefilterRequest(0.9f, 0f, true));

        var second = await factory.Services.GetRequiredService<StartPrefilter>().HandleAsync(job.Id, job.OrganisationId, researcher.Id, new PrefilterRequest(0.9f, 0f, true));

        Assert.Equal("The model is already going over this job's items; wait for that run to finish.", second.Error?.Message);
    }

    [Fact]
    public async Task Start_AgainAfterARun_ClearsTheEarlierMachineLabels()
    {
        var (researcher, job, _) = await DigitsJobAsync(10);
        var first = await StartAsync(researcher, job, new PrefilterRequest(0.5f, 0f, true));
        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(first.Id, CancellationToken.None);

        // Pre-annotation only this time: every item goes back to people.
        var second = await StartAsync(researcher, job, new PrefilterRequest(0.5f, 0f, MachineLabels: false));
        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(second.Id, CancellationToken.None);

        await using var db = await DbAsync();
        var items = await db.Items.Where(i => i.JobId == job.Id).ToListAsync();
        Assert.All(items, i => Assert.Equal((null, 2, second.Id), (i.MachineLabel, i.RemainingSlots, i.PrefilterRunId)));
        Assert.All(items, i => Assert.NotNull(i.PreAnnotation));
    }

    [Theory]
    [InlineData("running", "The model goes over the items before launch; this job is running.")]
    [InlineData("no model", "Upload a review model first: the pre-filter runs the job's model.")]
    [InlineData("threshold", "The confidence threshold is above 0 and at most 1 (0.95: the model must be 95% sure).")]
    [InlineData("stranger", "The job was not found.")]
    public async Task Start_WrongState_SaysWhatIsWrong(string problem, string message)
    {
        var (researcher, job, _) = await DigitsJobAsync(2, withModel: problem != "no model");
        if (problem == "running")
        {
            await factory.LaunchAsync(job);
        }

        var organisation = problem == "stranger" ? (await factory.SignUpAsync(AccountKind.Researcher)).OrganisationId!.Value : job.OrganisationId;
        var request = new PrefilterRequest(problem == "threshold" ? 1.5f : 0.9f, 0.05f, true);

        var result = await factory.Services.GetRequiredService<StartPrefilter>().HandleAsync(job.Id, organisation, researcher.Id, request);

        Assert.Equal(message, result.Error?.Message);
        await using var db = await DbAsync();
        Assert.False(await db.PrefilterRuns.AnyAsync(r => r.JobId == job.Id && r.Status == PrefilterStatus.Running && problem != "running"));
    }

    [Fact]
    public async Task Latest_PeopleAnswerTheAuditSample_MeasuresTheMachinesAccuracy()
    {
        var (researcher, job, _) = await DigitsJobAsync(40);
        var run = await StartAsync(researcher, job, new PrefilterRequest(0.8f, 0.5f, MachineLabels: true));
        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(run.Id, CancellationToken.None);
        await factory.LaunchAsync(job);

        // People label every audit item: the machine's label on all but the first, where they disagree.
        List<Item> audit;
        await using (var db = await DbAsync())
        {
            audit = await db.Items.Where(i => i.JobId == job.Id && i.MachineAudit).OrderBy(i => i.Ordinal).ToListAsync();
        }

        Assert.True(audit.Count >= 2, $"{audit.Count} audit items");
        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var answered = 0;
        while (answered < audit.Count)
        {
            var claim = (await factory.ClaimAsync(job, worker)).Value;
            if (claim is null)
            {
                break;
            }

            var item = audit.FirstOrDefault(i => i.Id == claim.ItemId);
            var label = item is null ? "0" : item == audit[0] ? (item.MachineLabel == "1" ? "2" : "1") : item.MachineLabel!;
            Assert.True((await factory.Services.GetRequiredService<global::LabelPlatform.Queue.Submit.SubmitAnswer>().HandleAsync(claim.AssignmentId, worker.Id, Answer.OneLabel(label))).IsSuccess);
            answered += item is null ? 0 : 1;
        }

        var summary = await factory.Services.GetRequiredService<PrefilterSummaries>().LatestAsync(job.Id);

        Assert.Equal(run.Id, summary!.Run.Id);
        Assert.Equal(new AuditAccuracy(audit.Count, audit.Count, audit.Count - 1), summary.Audit);
    }

    [Fact]
    public async Task Run_GoldItem_GetsASuggestionButNoMachineLabelAndStaysOutOfTheQueue()
    {
        var (researcher, job, digits) = await DigitsJobAsync(10);
        var gold = (await factory.ItemsAsync(job.Id))[0];
        Assert.Null(await factory.Services.GetRequiredService<global::LabelPlatform.Quality.Gold.GoldItems>()
            .MarkAsync(job.Id, job.OrganisationId, gold.Id, Answer.OneLabel(digits[0].Label.ToString(System.Globalization.CultureInfo.InvariantCulture)), null));
        var run = await StartAsync(researcher, job, new PrefilterRequest(0.01f, 0f, MachineLabels: true));

        await factory.Services.GetRequiredService<PrefilterJob>().RunAsync(run.Id, CancellationToken.None);

        var item = await factory.ItemAsync(gold.Id);
        Assert.Equal((null, 0), (item.MachineLabel, item.RemainingSlots));
        Assert.NotNull(item.PreAnnotation);
        await using var db = await DbAsync();
        Assert.Equal(9, (await db.PrefilterRuns.SingleAsync(r => r.Id == run.Id)).MachineLabelled);
    }
}
