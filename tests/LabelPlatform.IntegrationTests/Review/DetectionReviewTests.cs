using System.Text.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Data;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Review.Models;
using LabelPlatform.Review.Verdicts;
using LabelPlatform.Testing;
using LabelPlatform.Testing.Onnx;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>
/// A box job reviewed by a detection model whose output is known: whatever the image, it sees a cat
/// and a dog. Images are 128 × 64, letterboxed into the model's 64 × 64 (halved, 16 px of padding
/// above and below), so its boxes land at cat (24, 16, 32, 32) and dog (80, 24, 16, 16) in image pixels.
/// </summary>
public class DetectionReviewTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static readonly ModelDescriptor Yolo = new()
    {
        Kind = ModelKind.Detection,
        InputName = "images",
        Width = 64,
        Height = 64,
        Resize = ImageResize.Letterbox,
        DetectionLayout = DetectionLayout.YoloV8,
        BoxesOutput = "output0",
        LabelMap = new() { [0] = "cat", [1] = "dog" },
    };

    // cx, cy, w, h (input pixels) | cat, dog, truck (not mapped)
    private static readonly float[][] Scene =
    [
        [20, 32, 16, 16, 0.9f, 0.05f, 0f], // cat
        [44, 32, 8, 8, 0f, 0.8f, 0f], // dog
        [10, 40, 8, 8, 0.1f, 0f, 0.95f], // truck: ignored
        [50, 20, 8, 8, 0.2f, 0f, 0f], // cat below the 0.25 threshold: ignored
    ];

    private static readonly BoundingBox Cat = new("cat", 24, 16, 32, 32);
    private static readonly BoundingBox Dog = new("dog", 80, 24, 16, 16);

    [Fact]
    public async Task RunOnceAsync_BoxAnswersAgreeingAndNot_AcceptedOrSentToAReviewerWithTheMatchedBoxesAsEvidence()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher, answersPerItem: 1, labels: ["cat", "dog"], kind: TaskKind.BoundingBoxes);
        using (var zip = TestZips.Build([.. Enumerable.Range(0, 4).Select(i => ($"img/{i}.png", Pngs.Noise(128, 64, i)))]))
        {
            Assert.True((await factory.ImportAsync(job, zip)).Succeeded);
        }

        await factory.LaunchAsync(job);
        var register = factory.Services.GetRequiredService<RegisterModel>();
        var onnx = TestModels.ConstantOutputs("images", ["N", 3, 64, 64], DetectionTensors.YoloV8("output0", Scene));
        var wrongKind = await register.HandleAsync(job.Id, job.OrganisationId, researcher.Id, "yolo.onnx", onnx, Yolo with { Kind = ModelKind.Classification, OutputName = "output0" });
        Assert.Equal("This job asks for boxes: its model must be a detection model, not a classification model.", wrongKind.Error?.Message);
        var model = await register.HandleAsync(job.Id, job.OrganisationId, researcher.Id, "yolo.onnx", onnx, Yolo);
        Assert.True(model.IsSuccess, model.Error?.Message);
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(u => u.SetProperty(j => j.ReviewPolicy, ReviewPolicy.Default with { AuditShare = 0 }));
        }

        BoundingBox[][] answers =
        [
            [Cat, Dog],
            [Cat with { X = 26 }, Dog], // cat 2 px off: IoU 0.88
            [Cat], // the dog missed
            [Cat with { Label = "dog" }], // the cat called a dog, the dog missed
        ];
        var workers = await factory.InsertWorkersAsync(answers.Length);
        var given = new Dictionary<Guid, int>();
        for (var i = 0; i < answers.Length; i++)
        {
            var claim = (await factory.ClaimAsync(job, workers[i])).Value!;
            var submitted = await factory.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, workers[i].Id, Answer.WithBoxes(answers[i]));
            Assert.True(submitted.IsSuccess, submitted.Error?.Message);
            given[claim.AssignmentId] = i;
        }

        Assert.Equal(answers.Length, await factory.ScalarAsync<int>("SELECT count(*)::int FROM assignments WHERE job_id = $1 AND review_state = 'Pending'", job.Id));

        var review = factory.Services.GetRequiredService<ReviewPending>();
        Assert.Equal((answers.Length, 0), (await review.RunOnceAsync(), await review.RunOnceAsync()));

        await using var check = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var verdicts = (await check.Verdicts.Where(v => v.JobId == job.Id).ToListAsync()).OrderBy(v => given[v.AssignmentId]).ToList();
        Assert.Equal(
            [
                (ReviewState.Accepted, "model agrees: 2 of 2 boxes matched (IoU ≥ 0.50)", 1f),
                (ReviewState.Accepted, "model agrees: 2 of 2 boxes matched (IoU ≥ 0.50)", 1f),
                (ReviewState.NeedsReview, "model partly agrees: 1 of 1 worker box matched (IoU ≥ 0.50); model finds 1 box the worker missed", 0.5f),
                (ReviewState.NeedsReview, "model disagrees: 0 of 1 worker box matched (IoU ≥ 0.50); model finds 2 boxes the worker missed; 1 worker box unmatched", 0f),
            ],
            verdicts.Select(v => (v.Outcome, v.Reason, v.Confidence)));
        Assert.All(verdicts, v => Assert.Equal(((string?)null, 1, model.Value!.Id), (v.ModelLabel, v.ModelVersion, v.ModelId)));

        var shifted = JsonDocument.Parse(verdicts[1].Evidence).RootElement;
        var catMatch = shifted.GetProperty("matched").EnumerateArray().Single(m => m.GetProperty("label").GetString() == "cat");
        Assert.Equal(0.8824, catMatch.GetProperty("iou").GetDouble());
        Assert.Equal(0.9, catMatch.GetProperty("score").GetDouble());
        Assert.Equal((26.0, 24.0, 16.0), (catMatch.GetProperty("worker").GetProperty("x").GetDouble(), catMatch.GetProperty("model").GetProperty("x").GetDouble(), catMatch.GetProperty("model").GetProperty("y").GetDouble()));
        var wrong = JsonDocument.Parse(verdicts[3].Evidence).RootElement;
        Assert.Equal((0.0, 0.0), (wrong.GetProperty("precision").GetDouble(), wrong.GetProperty("recall").GetDouble()));
        Assert.Equal("dog", wrong.GetProperty("unmatched").EnumerateArray().Single().GetProperty("label").GetString());
        Assert.Equal(["cat", "dog"], wrong.GetProperty("missed").EnumerateArray().Select(m => m.GetProperty("label").GetString()).Order());

        var states = await check.Assignments.Where(a => a.JobId == job.Id).ToDictionaryAsync(a => a.Id, a => a.ReviewState);
        Assert.All(verdicts, v => Assert.Equal(v.Outcome, states[v.AssignmentId]));
    }

    [Fact]
    public async Task RunOnceAsync_DetectionModelKeptOnAClassificationJobBeforeKindsWereChecked_ReviewerDecidesAndTheQueueMovesOn()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateRunningJobAsync(researcher, items: 2, answersPerItem: 1);
        var onnx = TestModels.ConstantOutputs("images", ["N", 3, 64, 64], DetectionTensors.YoloV8("output0", Scene));
        var legacy = new ReviewModel
        {
            Id = Guid.CreateVersion7(),
            JobId = job.Id,
            Version = 1,
            FileName = "yolo.onnx",
            StorageKey = $"models/{job.Id:N}/legacy.onnx",
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(onnx)),
            ByteSize = onnx.Length,
            Descriptor = Yolo,
            CreatedByUserId = researcher.Id,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await factory.Services.GetRequiredService<LabelPlatform.Jobs.Storage.IItemStore>().PutAsync(legacy.StorageKey, onnx, default);
        await using (var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync())
        {
            db.ReviewModels.Add(legacy);
            await db.SaveChangesAsync();
        }

        var worker = await factory.SignUpAsync(AccountKind.Worker);
        var claim = await factory.AnswerNextAsync(job, worker, "cat");
        Assert.Null((await factory.AssignmentAsync(claim.AssignmentId)).ReviewState);

        // Answers left waiting from before the check.
        await factory.ExecuteAsync("UPDATE assignments SET review_state = 'Pending' WHERE id = $1", claim.AssignmentId);
        Assert.Equal(1, await factory.Services.GetRequiredService<ReviewPending>().RunOnceAsync());

        await using var check = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var verdict = await check.Verdicts.SingleAsync(v => v.AssignmentId == claim.AssignmentId);
        Assert.Equal((ReviewState.NeedsReview, "the job's detection model can't judge ImageClassification answers"), (verdict.Outcome, verdict.Reason));
    }

    [Fact]
    public async Task Prefilter_BoxJobBeforeLaunch_EveryItemGetsTheModelsBoxesAsSuggestionsAndStillGoesToPeople()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobAsync(researcher, answersPerItem: 2, labels: ["cat", "dog"], kind: TaskKind.BoundingBoxes);
        using (var zip = TestZips.Build([.. Enumerable.Range(0, 3).Select(i => ($"img/{i}.png", Pngs.Noise(128, 64, i)))]))
        {
            Assert.True((await factory.ImportAsync(job, zip)).Succeeded);
        }

        var onnx = TestModels.ConstantOutputs("images", ["N", 3, 64, 64], DetectionTensors.YoloV8("output0", Scene));
        Assert.True((await factory.Services.GetRequiredService<RegisterModel>().HandleAsync(job.Id, job.OrganisationId, researcher.Id, "yolo.onnx", onnx, Yolo)).IsSuccess);

        // Machine labels asked for, but a box job only takes suggestions: nobody is spared.
        var run = await factory.Services.GetRequiredService<global::LabelPlatform.Review.Prefilter.StartPrefilter>()
            .HandleAsync(job.Id, job.OrganisationId, researcher.Id, new(0.5f, 0f, MachineLabels: true));
        Assert.True(run.IsSuccess, run.Error?.Message);
        await factory.Services.GetRequiredService<global::LabelPlatform.Review.Prefilter.PrefilterJob>().RunAsync(run.Value!.Id, CancellationToken.None);

        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        var items = await db.Items.Where(i => i.JobId == job.Id).ToListAsync();
        Assert.Equal(3, items.Count);
        foreach (var item in items)
        {
            Assert.Equal([Cat, Dog], Answer.FromJson(item.PreAnnotation)!.Boxes.OrderBy(b => b.Label));
            Assert.Equal((null, false, 2), (item.MachineLabel, item.MachineAudit, item.RemainingSlots));
        }

        Assert.False(run.Value.MachineLabels);
    }
}
