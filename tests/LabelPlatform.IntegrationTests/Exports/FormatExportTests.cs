using System.Text;
using System.Text.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Exports;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Exports;

/// <summary>Each export format read back by a reader written against its specification, and compared with the database.</summary>
public class FormatExportTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private static readonly DateTimeOffset Early = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Late = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Per image: its size, and its final boxes, confidence, source, state and when they were set.</summary>
    private static readonly (int W, int H, ReadBox[] Boxes, float? Confidence, string? Source, string? State, DateTimeOffset? At)[] Items =
    [
        (640, 480, [new("cat", 10, 20, 100, 50), new("dog", 600, 400, 40, 80)], 0.95f, "crowd", "settled", Early),
        (100, 200, [new("bird", 0, 0, 100, 200)], 0.6f, "model", "settled", Late),
        (50, 50, [new("cat", 5.5, 5.25, 10, 10)], 0.5f, null, "undecided", Late),
        (300, 300, [], null, null, null, null),
    ];

    [Fact]
    public async Task Coco_ReadBackBySpec_ImagesCategoriesAndEveryFinalBoxWithItsScore()
    {
        var (job, files) = await LabelledBoxJobAsync();

        var boxes = FormatReaders.Coco(await factory.ExportAsync(job, new ExportOptions(ExportFormat.Coco)), out var root);

        AssertSameBoxes(files, boxes);
        Assert.Equal(["cat", "dog", "bird"], root.GetProperty("categories").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        var scores = root.GetProperty("annotations").EnumerateArray().Select(a => a.GetProperty("score").GetDouble()).ToList();
        Assert.Equal([0.95, 0.95, 0.6, 0.5], scores);
        var first = root.GetProperty("images").EnumerateArray().First();
        Assert.Equal("crowd", first.GetProperty("lp_source").GetString());
        Assert.Equal("done", first.GetProperty("lp_status").GetString());
        Assert.False(root.TryGetProperty("lp_answers", out _));
    }

    [Fact]
    public async Task Coco_WithAnswers_AddsEachAnswerUnderItsWorkersPseudonym()
    {
        var (job, _) = await LabelledBoxJobAsync();

        FormatReaders.Coco(await factory.ExportAsync(job, new ExportOptions(ExportFormat.Coco, IncludeAnswers: true)), out var root);

        var answer = root.GetProperty("lp_answers").EnumerateArray().Single();
        Assert.StartsWith("w_", answer.GetProperty("worker").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, answer.GetProperty("boxes").GetArrayLength());
    }

    [Fact]
    public async Task Yolo_ReadBackBySpec_NormalisedBoxesGiveTheDatabasesPixels()
    {
        var (job, files) = await LabelledBoxJobAsync();
        var sizes = files.ToDictionary(f => f.Key, f => (f.Value.W, f.Value.H));

        var archive = await factory.ExportAsync(job, new ExportOptions(ExportFormat.Yolo));
        var boxes = FormatReaders.Yolo(archive, sizes, out var classes);

        Assert.Equal(["cat", "dog", "bird"], classes);
        AssertSameBoxes(files, boxes);
        Assert.Contains("labels/img/0.txt", await SystemTarListAsync(archive));
    }

    /// <summary>What the system's tar lists in the archive: the people who download it use that, not our reader.</summary>
    private static async Task<string[]> SystemTarListAsync(byte[] archive)
    {
        var path = Path.GetTempFileName();
        await File.WriteAllBytesAsync(path, archive);
        try
        {
            using var tar = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("tar", ["-tzf", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var listed = await tar.StandardOutput.ReadToEndAsync();
            var errors = await tar.StandardError.ReadToEndAsync();
            await tar.WaitForExitAsync();
            Assert.True(tar.ExitCode == 0, errors);
            return listed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Voc_ReadBackBySpec_OneAnnotationFilePerImage()
    {
        var (job, files) = await LabelledBoxJobAsync();

        var boxes = FormatReaders.Voc(await factory.ExportAsync(job, new ExportOptions(ExportFormat.Voc)), ["cat", "dog", "bird"]);

        AssertSameBoxes(files, boxes);
    }

    [Fact]
    public async Task JsonLines_OneObjectPerItem_WithFinalConfidenceSourceAndAnswers()
    {
        var (job, files) = await LabelledBoxJobAsync();

        var lines = Encoding.UTF8.GetString(await factory.ExportAsync(job, new ExportOptions(ExportFormat.Jsonl, IncludeAnswers: true)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(files.Keys.Order(), lines.Select(l => l.GetProperty("file").GetString()!).Order());
        Assert.Equal(["crowd", "model", "undecided", null], lines.Select(l => l.GetProperty("source").GetString()));
        Assert.Equal(["done", "done", "undecided", "not_started"], lines.Select(l => l.GetProperty("status").GetString()));
        Assert.Equal(0.95, lines[0].GetProperty("confidence").GetDouble(), 4);
        Assert.Equal(2, lines[0].GetProperty("final").GetProperty("boxes").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, lines[3].GetProperty("final").ValueKind);
        var answer = lines[0].GetProperty("answers").EnumerateArray().Single();
        Assert.StartsWith("w_", answer.GetProperty("worker").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, lines[0].GetProperty("answer_count").GetInt32());
    }

    [Fact]
    public async Task Filters_SettledOnlyMinimumConfidenceAndDateRange_PickTheRightItems()
    {
        var (job, _) = await LabelledBoxJobAsync();

        async Task<List<int>> Ordinals(ExportOptions options) =>
            Encoding.UTF8.GetString(await factory.ExportAsync(job, options)).Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("ordinal").GetInt32()).ToList();

        Assert.Equal([0, 1], await Ordinals(new ExportOptions(ExportFormat.Jsonl, SettledOnly: true)));
        Assert.Equal([0, 1], await Ordinals(new ExportOptions(ExportFormat.Jsonl, MinConfidence: 0.6)));
        Assert.Equal([0], await Ordinals(new ExportOptions(ExportFormat.Jsonl, MinConfidence: 0.9)));
        Assert.Equal([1, 2], await Ordinals(new ExportOptions(ExportFormat.Jsonl, From: Late)));
        Assert.Equal([0], await Ordinals(new ExportOptions(ExportFormat.Jsonl, From: Early, To: Late)));
    }

    [Fact]
    public async Task BoxFormats_ForAClassificationJob_RefusedWithWhatToUseInstead()
    {
        var job = await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher));
        var export = factory.Services.GetRequiredService<ExportJobResults>();

        foreach (var format in new[] { ExportFormat.Coco, ExportFormat.Yolo, ExportFormat.Voc })
        {
            var error = await export.WriteAsync(job.Id, job.OrganisationId, new ExportOptions(format), new MemoryStream());
            Assert.Equal("validation", error?.Code);
            Assert.Contains("CSV or JSON Lines", error!.Message, StringComparison.Ordinal);
        }
    }

    private static void AssertSameBoxes(Dictionary<string, (int W, int H, ReadBox[] Boxes)> expected, Dictionary<string, List<ReadBox>> read)
    {
        Assert.Equal(expected.Keys.Order(), read.Keys.Order());
        foreach (var (file, (_, _, boxes)) in expected)
        {
            var got = read[file];
            Assert.Equal(boxes.Length, got.Count);
            foreach (var (want, have) in boxes.Zip(got))
            {
                Assert.Equal(want.Label, have.Label);
                Assert.Equal(want.X, have.X, 0.01);
                Assert.Equal(want.Y, have.Y, 0.01);
                Assert.Equal(want.W, have.W, 0.01);
                Assert.Equal(want.H, have.H, 0.01);
            }
        }
    }

    /// <summary>A box job whose four images hold <see cref="Items"/>' final answers, and one worker's answer on the first.</summary>
    private async Task<(Job Job, Dictionary<string, (int W, int H, ReadBox[] Boxes)> Files)> LabelledBoxJobAsync()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: Items.Length, answersPerItem: 1, kind: TaskKind.BoundingBoxes);
        foreach (var (w, h, _, _, _, _, _) in Items)
        {
            await factory.ExecuteAsync("UPDATE items SET width = $2, height = $3 WHERE job_id = $1 AND ordinal = $4", job.Id, w, h, Array.FindIndex(Items, i => i.W == w && i.H == h));
        }

        var worker = (await factory.InsertWorkersAsync(1))[0];
        var claim = (await factory.ClaimAsync(job, worker)).Value!;
        var submitted = await factory.Services.GetRequiredService<SubmitAnswer>().HandleAsync(claim.AssignmentId, worker.Id, Answer.WithBoxes([new("cat", 10, 20, 90, 50), new("dog", 601, 400, 39, 80)]));
        Assert.True(submitted.IsSuccess);
        var items = await factory.ItemsAsync(job.Id);
        Assert.Equal(items.OrderBy(i => i.Ordinal).First().Id, claim.ItemId);
        var files = new Dictionary<string, (int W, int H, ReadBox[] Boxes)>();
        foreach (var item in items.OrderBy(i => i.Ordinal))
        {
            var (w, h, boxes, confidence, source, state, at) = Items[item.Ordinal];
            var final = boxes.Length == 0 && state is null ? null : Answer.WithBoxes(boxes.Select(b => new BoundingBox(b.Label, b.X, b.Y, b.W, b.H))).ToJson();
            await factory.ExecuteAsync(
                "UPDATE items SET final_answer = $2::jsonb, final_confidence = $3, final_source = $4, final_state = $5, final_at = $6 WHERE id = $1",
                item.Id, (object?)final ?? DBNull.Value, (object?)confidence ?? DBNull.Value, (object?)source ?? DBNull.Value, (object?)state ?? DBNull.Value, (object?)at ?? DBNull.Value);
            files[item.SourceName] = (w, h, boxes);
        }

        // The final answers above stand: nothing has changed since they were "computed".
        await factory.ExecuteAsync("UPDATE jobs SET final_labels_at = now() + interval '1 day' WHERE id = $1", job.Id);
        return (job, files);
    }
}
