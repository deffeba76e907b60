using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Labelling.Drafts;
using LabelPlatform.Queue;
using LabelPlatform.Queue.Report;
using LabelPlatform.Queue.Skip;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Labelling;

/// <summary>Answers of every task kind through the real submit path, and what a worker can do instead of answering.</summary>
public class AnswerKindsTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private SubmitAnswer Submit => factory.Services.GetRequiredService<SubmitAnswer>();

    [Fact]
    public async Task Submit_BoxesInsideTheImage_StoresThemAsJsonInImagePixels()
    {
        var (job, worker, claim) = await ClaimOnAsync(TaskKind.BoundingBoxes);
        var boxes = Answer.WithBoxes([new("cat", 10.5, 20, 100, 50.2), new("bird", 0, 0, 384, 303, Suggested: true)]);

        var result = await Submit.HandleAsync(claim.AssignmentId, worker.Id, boxes);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var stored = await factory.AssignmentAsync(claim.AssignmentId);
        Assert.Equal(AssignmentStatus.Submitted, stored.Status);
        Assert.Null(stored.Label);
        Assert.True(boxes.SameAs(Answer.FromJson(stored.AnswerJson)));
        Assert.Equal(2, await factory.ScalarAsync<int>("SELECT jsonb_array_length(answer->'boxes') FROM assignments WHERE id = $1", claim.AssignmentId));
    }

    [Theory]
    [InlineData(390, 10, 20, 20, "Box 1 reaches outside the 384 × 303 px image.")]
    [InlineData(10, 10, 2, 20, "Box 1 is 2 × 20 px; boxes must be at least 4 px on each side.")]
    public async Task Submit_BadBox_RefusedWithTheReasonAndTheLeaseKept(double x, double y, double w, double h, string message)
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.BoundingBoxes);

        var refused = await Submit.HandleAsync(claim.AssignmentId, worker.Id, Answer.WithBoxes([new("cat", x, y, w, h)]));
        var corrected = await Submit.HandleAsync(claim.AssignmentId, worker.Id, Answer.WithBoxes([new("cat", 10, 10, 20, 20)]));

        Assert.Equal(("invalid_answer", message), (refused.Error?.Code, refused.Error?.Message));
        Assert.True(corrected.IsSuccess, corrected.Error?.Message);
    }

    [Fact]
    public async Task Submit_MoreBoxesThanTheJobAllows_Refused()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.BoundingBoxes);

        var refused = await Submit.HandleAsync(claim.AssignmentId, worker.Id, Answer.WithBoxes(Enumerable.Repeat(new BoundingBox("cat", 0, 0, 10, 10), 6)));

        Assert.Equal("This job allows at most 5 boxes per image; this answer has 6.", refused.Error?.Message);
        Assert.Equal(AssignmentStatus.Leased, (await factory.AssignmentAsync(claim.AssignmentId)).Status);
    }

    [Fact]
    public async Task Submit_MultiLabelSet_StoresTheSetAndNoSingleLabel()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.ImageMultiLabel);

        var result = await Submit.HandleAsync(claim.AssignmentId, worker.Id, Answer.ManyLabels(["cat", "bird"]));

        Assert.True(result.IsSuccess, result.Error?.Message);
        var stored = await factory.AssignmentAsync(claim.AssignmentId);
        Assert.Equal((string?)null, stored.Label);
        Assert.Equal(["cat", "bird"], Answer.FromJson(stored.AnswerJson)!.Labels);
    }

    [Fact]
    public async Task Submit_SameBoxesTwiceButDifferentTheSecondTime_KeepsTheFirstAndSaysConflict()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.BoundingBoxes);
        var first = Answer.WithBoxes([new("cat", 1, 1, 10, 10)]);

        Assert.True((await Submit.HandleAsync(claim.AssignmentId, worker.Id, first)).IsSuccess);
        var again = await Submit.HandleAsync(claim.AssignmentId, worker.Id, Answer.WithBoxes([new("cat", 1, 1, 10, 10)]));
        var different = await Submit.HandleAsync(claim.AssignmentId, worker.Id, Answer.WithBoxes([new("dog", 1, 1, 10, 10)]));

        Assert.True(again.IsSuccess);
        Assert.Equal("conflict", different.Error?.Code);
        Assert.True(first.SameAs(Answer.FromJson((await factory.AssignmentAsync(claim.AssignmentId)).AnswerJson)));
    }

    [Fact]
    public async Task Drafts_SavedByTheLeaseHolder_LoadedBackAndGoneAfterSubmit()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.BoundingBoxes);
        var drafts = factory.Services.GetRequiredService<WorkDrafts>();
        var draft = Answer.WithBoxes([new("dog", 5, 5, 30, 30)]);
        var stranger = (await factory.InsertWorkersAsync(1))[0];

        Assert.True(await drafts.SaveAsync(claim.AssignmentId, worker.Id, draft, DateTimeOffset.UtcNow));
        Assert.False(await drafts.SaveAsync(claim.AssignmentId, stranger.Id, Answer.WithBoxes([]), DateTimeOffset.UtcNow));
        Assert.Null(await drafts.LoadAsync(claim.AssignmentId, stranger.Id));
        Assert.True(draft.SameAs((await drafts.LoadAsync(claim.AssignmentId, worker.Id))?.Answer));

        Assert.True((await Submit.HandleAsync(claim.AssignmentId, worker.Id, draft)).IsSuccess);

        Assert.Null(await drafts.LoadAsync(claim.AssignmentId, worker.Id));
        Assert.Equal(0, await factory.ScalarAsync<int>("SELECT count(*)::int FROM drafts WHERE assignment_id = $1", claim.AssignmentId));
        Assert.False(await drafts.SaveAsync(claim.AssignmentId, worker.Id, draft, DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Drafts_OlderChangeLandsAfterANewerOne_NewerIsKept()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.ImageMultiLabel);
        var drafts = factory.Services.GetRequiredService<WorkDrafts>();
        var firstKey = DateTimeOffset.Parse("2026-12-06T10:00:00.123456Z", System.Globalization.CultureInfo.InvariantCulture);
        var secondKey = firstKey.AddMilliseconds(40);

        // The worker pressed two keys; the second key's save reached the database first.
        Assert.True(await drafts.SaveAsync(claim.AssignmentId, worker.Id, Answer.ManyLabels(["dog", "bird"]), secondKey));
        Assert.False(await drafts.SaveAsync(claim.AssignmentId, worker.Id, Answer.ManyLabels(["dog"]), firstKey));

        var kept = await drafts.LoadAsync(claim.AssignmentId, worker.Id);
        Assert.Equal(["dog", "bird"], kept?.Answer.Labels);
        Assert.Equal(secondKey, kept?.SavedAt);
    }

    [Fact]
    public async Task Drafts_LeaseRanOut_NotSavedAndNotLoaded()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.ImageMultiLabel);
        var drafts = factory.Services.GetRequiredService<WorkDrafts>();
        Assert.True(await drafts.SaveAsync(claim.AssignmentId, worker.Id, Answer.ManyLabels(["cat"]), DateTimeOffset.UtcNow));

        await factory.ExpireLeaseAsync(claim.AssignmentId);

        Assert.Null(await drafts.LoadAsync(claim.AssignmentId, worker.Id));
        Assert.False(await drafts.SaveAsync(claim.AssignmentId, worker.Id, Answer.ManyLabels(["dog"]), DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Skip_WithAReason_KeepsTheReasonAndReturnsTheSlot()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.ImageClassification);

        Assert.Null(await factory.Services.GetRequiredService<SkipItem>().HandleAsync(claim.AssignmentId, worker.Id, "Takes too long"));

        var stored = await factory.AssignmentAsync(claim.AssignmentId);
        Assert.Equal((AssignmentStatus.Skipped, "Takes too long"), (stored.Status, stored.SkipReason));
        Assert.Equal(2, (await factory.ItemAsync(claim.ItemId)).RemainingSlots);
    }

    [Fact]
    public async Task Report_BrokenItem_KeptForTheResearcherSlotReturnedAndNeverShownToTheReporterAgain()
    {
        var (job, worker, claim) = await ClaimOnAsync(TaskKind.ImageClassification, items: 1);
        var report = factory.Services.GetRequiredService<ReportItem>();

        var error = await report.HandleAsync(claim.AssignmentId, worker.Id, ReportReason.Unreadable, "  all black  ");

        Assert.Null(error);
        Assert.Equal(2, (await factory.ItemAsync(claim.ItemId)).RemainingSlots);
        Assert.Equal("Unreadable|all black", await factory.ScalarAsync<string>(
            "SELECT reason || '|' || note FROM item_reports WHERE item_id = $1 AND worker_id = $2", claim.ItemId, worker.Id));
        Assert.Equal("no_work", (await factory.ClaimAsync(job, worker)).Error?.Code);
        Assert.Equal("conflict", (await report.HandleAsync(claim.AssignmentId, worker.Id, ReportReason.Offensive, null))?.Code);
    }

    [Fact]
    public async Task Report_OtherWithoutANoteOrSomeoneElsesLease_RefusedAndNothingChanged()
    {
        var (_, worker, claim) = await ClaimOnAsync(TaskKind.ImageClassification);
        var stranger = (await factory.InsertWorkersAsync(1))[0];
        var report = factory.Services.GetRequiredService<ReportItem>();

        var noNote = await report.HandleAsync(claim.AssignmentId, worker.Id, ReportReason.Other, " ");
        var notTheirs = await report.HandleAsync(claim.AssignmentId, stranger.Id, ReportReason.Offensive, null);

        Assert.Equal("Say in a few words what is wrong with the item.", noNote?.Message);
        Assert.Equal("conflict", notTheirs?.Code);
        Assert.Equal(AssignmentStatus.Leased, (await factory.AssignmentAsync(claim.AssignmentId)).Status);
        Assert.Equal(0, await factory.ScalarAsync<int>("SELECT count(*)::int FROM item_reports WHERE item_id = $1", claim.ItemId));
    }

    private async Task<(Job Job, LabelPlatform.Accounts.AppUser Worker, LabelPlatform.Queue.ClaimNext.Claim Claim)> ClaimOnAsync(TaskKind kind, int items = 2)
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items, answersPerItem: 2, kind: kind);
        await factory.ExecuteAsync("UPDATE items SET width = 384, height = 303 WHERE job_id = $1", job.Id);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var claim = await factory.ClaimAsync(job, worker);
        Assert.True(claim.IsSuccess, claim.Error?.Message);
        return (job, worker, claim.Value!);
    }
}
