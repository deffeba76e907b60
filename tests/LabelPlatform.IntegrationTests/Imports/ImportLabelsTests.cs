using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Exports.Imports;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Imports;

/// <summary>Existing labels imported into a job's items: COCO and YOLO for box jobs, CSV for classification, as suggestions or gold; all or nothing, each problem named.</summary>
public class ImportLabelsTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    private ImportLabels Import => factory.Services.GetRequiredService<ImportLabels>();

    /// <summary>A box job with img/0.png … img/00N.png, 8 × 8 pixels each, not launched.</summary>
    private async Task<Job> BoxJobAsync(int items = 3) =>
        await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items, answersPerItem: 1, launch: false, kind: TaskKind.BoundingBoxes);

    private static MemoryStream Coco(object document) => new(JsonSerializer.SerializeToUtf8Bytes(document));

    private static object CocoOf(params (int Image, string File, (int Category, double[] Box)[] Boxes)[] images) => new
    {
        images = images.Select(i => new { id = i.Image, file_name = i.File, width = 8, height = 8 }),
        categories = new[] { new { id = 1, name = "cat" }, new { id = 2, name = "dog" } },
        annotations = images.SelectMany(i => i.Boxes.Select((b, n) => new { id = (i.Image * 100) + n, image_id = i.Image, category_id = b.Category, bbox = b.Box })),
    };

    private static MemoryStream TarGz(params (string Name, string Text)[] files)
    {
        var stream = new MemoryStream();
        using (var gzip = new GZipStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            foreach (var (name, text) in files)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
        }

        stream.Position = 0;
        return stream;
    }

    private async Task<Dictionary<string, Item>> ItemsByNameAsync(Job job) => (await factory.ItemsAsync(job.Id)).ToDictionary(i => i.SourceName);

    [Fact]
    public async Task Coco_AsSuggestions_EachImagesBoxesInPixels_ImagesWithoutBoxesLeftAlone()
    {
        var job = await BoxJobAsync();
        using var coco = Coco(CocoOf((7, "img/0.png", [(1, [1, 1, 4, 5]), (2, [2, 2, 6, 6])]), (8, "1.png", [(2, [0, 0, 8, 8])]), (9, "img/2.png", [])));

        var imported = await Import.HandleAsync(job.Id, job.OrganisationId, "labels.json", coco, LabelImportTarget.Suggestions);

        Assert.True(imported.IsSuccess, imported.Error?.Message);
        Assert.True(imported.Value!.Succeeded, string.Join("\n", imported.Value.Problems));
        Assert.Equal(2, imported.Value.Applied);
        var items = await ItemsByNameAsync(job);
        Assert.Equal([new BoundingBox("cat", 1, 1, 4, 5), new BoundingBox("dog", 2, 2, 6, 6)], Answer.FromJson(items["img/0.png"].PreAnnotation)!.Boxes);
        Assert.Equal([new BoundingBox("dog", 0, 0, 8, 8)], Answer.FromJson(items["img/1.png"].PreAnnotation)!.Boxes);
        Assert.Null(items["img/2.png"].PreAnnotation);
        Assert.All(items.Values, i => Assert.Null(i.GoldAnswer));
    }

    [Fact]
    public async Task Coco_WithProblems_EveryOneNamedWithWhereItIs_NothingApplied()
    {
        var job = await BoxJobAsync();
        var document = new
        {
            images = new object[] { new { id = 1, file_name = "img/0.png" }, new { id = 2, file_name = "img/404.png" }, new { id = 3, file_name = "img/1.png" } },
            categories = new[] { new { id = 1, name = "cat" }, new { id = 5, name = "truck" } },
            annotations = new object[]
            {
                new { id = 10, image_id = 1, category_id = 1, bbox = new[] { 1.0, 1, 4, 4 } },
                new { id = 11, image_id = 2, category_id = 1, bbox = new[] { 1.0, 1, 4, 4 } },
                new { id = 12, image_id = 3, category_id = 5, bbox = new[] { 1.0, 1, 4, 4 } },
                new { id = 13, image_id = 9, category_id = 1, bbox = new[] { 1.0, 1, 4, 4 } },
                new { id = 14, image_id = 1, category_id = 1, bbox = new[] { 1.0, 1 } },
            },
        };
        using var coco = Coco(document);

        var report = (await Import.HandleAsync(job.Id, job.OrganisationId, "labels.json", coco, LabelImportTarget.Gold)).Value!;

        Assert.False(report.Succeeded);
        Assert.Equal(0, report.Applied);
        Assert.Contains(report.Problems, p => p.StartsWith("annotation 4 (id 13): its \"image_id\" names no image", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("annotation 5 (id 14): needs \"bbox\"", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("image \"img/404.png\" (id 2): the job has no item", StringComparison.Ordinal));
        Assert.Contains(report.Problems, p => p.StartsWith("image \"img/1.png\" (id 3): Box 1", StringComparison.Ordinal) && p.Contains("truck", StringComparison.Ordinal));
        Assert.All(await factory.ItemsAsync(job.Id), i => Assert.Null(i.GoldAnswer));
    }

    [Fact]
    public async Task Coco_AsGold_ItemsBecomeGold_AnImageWithNoBoxesIsGoldForNoBoxes()
    {
        var job = await BoxJobAsync();
        using var coco = Coco(CocoOf((1, "img/0.png", [(1, [0, 0, 5, 5])]), (2, "img/1.png", [])));

        var report = (await Import.HandleAsync(job.Id, job.OrganisationId, "gold.json", coco, LabelImportTarget.Gold)).Value!;

        Assert.True(report.Succeeded, string.Join("\n", report.Problems));
        var items = await ItemsByNameAsync(job);
        Assert.Equal([new BoundingBox("cat", 0, 0, 5, 5)], Answer.FromJson(items["img/0.png"].GoldAnswer)!.Boxes);
        Assert.Empty(Answer.FromJson(items["img/1.png"].GoldAnswer)!.Boxes);
        Assert.Equal(0, items["img/0.png"].RemainingSlots);
        Assert.Null(items["img/2.png"].GoldAnswer);
    }

    [Fact]
    public async Task Yolo_TarGzOrZip_FractionsBecomePixels_ClassesFromTheListOrDataYaml()
    {
        var job = await BoxJobAsync();
        using var tar = TarGz(("dataset/classes.txt", "cat\ndog\n"), ("dataset/labels/img/0.txt", "1 0.5 0.5 0.5 0.75\n0 0.25 0.25 0.5 0.5 0.93\n"), ("dataset/labels/img/1.txt", ""));

        var report = (await Import.HandleAsync(job.Id, job.OrganisationId, "yolo.tar.gz", tar, LabelImportTarget.Suggestions)).Value!;

        Assert.True(report.Succeeded, string.Join("\n", report.Problems));
        Assert.Equal(1, report.Applied);
        Assert.Equal([new BoundingBox("dog", 2, 1, 4, 6), new BoundingBox("cat", 0, 0, 4, 4)], Answer.FromJson((await ItemsByNameAsync(job))["img/0.png"].PreAnnotation)!.Boxes);

        using var zip = TestZips.Build(("data.yaml", Encoding.UTF8.GetBytes("path: .\nnames:\n  0: cat\n  1: dog\n")), ("labels/img/2.txt", Encoding.UTF8.GetBytes("0 0.5 0.5 1 1\n")));
        var fromZip = (await Import.HandleAsync(job.Id, job.OrganisationId, "yolo.zip", zip, LabelImportTarget.Suggestions)).Value!;
        Assert.True(fromZip.Succeeded, string.Join("\n", fromZip.Problems));
        Assert.Equal([new BoundingBox("cat", 0, 0, 8, 8)], Answer.FromJson((await ItemsByNameAsync(job))["img/2.png"].PreAnnotation)!.Boxes);
    }

    [Fact]
    public async Task Yolo_BadLines_NamedByFileAndLine_UnsafeOrMalformedArchivesRefused()
    {
        var job = await BoxJobAsync();
        using var tar = TarGz(("classes.txt", "cat\ndog\n"), ("labels/img/0.txt", "0 0.5 0.5 0.5 0.5\n7 0.5 0.5 0.5 0.5\n0 1.5 0.5 0.5 0.5\ncat 0.5 0.5 0.5 0.5\n"));
        var report = (await Import.HandleAsync(job.Id, job.OrganisationId, "yolo.tar.gz", tar, LabelImportTarget.Suggestions)).Value!;
        Assert.Equal(
            ["labels/img/0.txt line 2: class 7 is not in the class list (2 classes, numbered from 0)",
             "labels/img/0.txt line 3: the centre and size must be fractions of the image, from 0 to 1 (with a size above 0)",
             "labels/img/0.txt line 4: is not \"class cx cy w h\" (a class number and four fractions of the image)"],
            report.Problems);

        using var noClasses = TarGz(("labels/img/0.txt", "0 0.5 0.5 0.5 0.5\n"));
        Assert.Contains("classes.txt", (await Import.HandleAsync(job.Id, job.OrganisationId, "y.tar.gz", noClasses, LabelImportTarget.Suggestions)).Error!.Message);
        using var escaping = TestZips.Build(("classes.txt", Encoding.UTF8.GetBytes("cat\n")), ("../labels/img/0.txt", Encoding.UTF8.GetBytes("0 0.5 0.5 0.5 0.5\n")));
        Assert.Contains("escapes", (await Import.HandleAsync(job.Id, job.OrganisationId, "y.zip", escaping, LabelImportTarget.Suggestions)).Error!.Message);
        using var notGzip = new MemoryStream(Encoding.UTF8.GetBytes("not an archive"));
        Assert.StartsWith("No labels were imported", (await Import.HandleAsync(job.Id, job.OrganisationId, "y.tar.gz", notGzip, LabelImportTarget.Suggestions)).Error!.Message);
        using var huge = TarGz(("classes.txt", "cat\n"), ("labels/img/0.txt", new string('0', LabelFiles.MaxLabelFileBytes + 1)));
        Assert.Contains("too large for a label file", (await Import.HandleAsync(job.Id, job.OrganisationId, "y.tar.gz", huge, LabelImportTarget.Suggestions)).Error!.Message);
        Assert.All(await factory.ItemsAsync(job.Id), i => Assert.Null(i.PreAnnotation));
    }

    [Fact]
    public async Task ClassificationJob_CsvSuggestions_ByFileName_CocoRefusedWithTheReason()
    {
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), items: 2, answersPerItem: 1, launch: false);
        using var csv = new MemoryStream(Encoding.UTF8.GetBytes("item,label\n0.png,dog\nimg/1.png,bird\n"));

        var report = (await Import.HandleAsync(job.Id, job.OrganisationId, "labels.csv", csv, LabelImportTarget.Suggestions)).Value!;

        Assert.True(report.Succeeded, string.Join("\n", report.Problems));
        var items = await ItemsByNameAsync(job);
        Assert.Equal(("dog", "bird"), (Answer.FromJson(items["img/0.png"].PreAnnotation)!.SingleLabel, Answer.FromJson(items["img/1.png"].PreAnnotation)!.SingleLabel));
        // A suggestion is not evidence: the item has no model label or confidence.
        Assert.Null(items["img/0.png"].MachineConfidence);

        using var coco = Coco(CocoOf((1, "img/0.png", [(1, [0, 0, 5, 5])])));
        Assert.Contains("COCO and YOLO hold boxes", (await Import.HandleAsync(job.Id, job.OrganisationId, "x.json", coco, LabelImportTarget.Suggestions)).Error!.Message);
        using var twice = new MemoryStream(Encoding.UTF8.GetBytes("item,label\n0.png,dog\nimg/0.png,cat\n"));
        Assert.Equal(["line 3: \"img/0.png\" was given already (line 2)"], (await Import.HandleAsync(job.Id, job.OrganisationId, "l.csv", twice, LabelImportTarget.Gold)).Value!.Problems);
        Assert.Equal("not_found", (await Import.HandleAsync(job.Id, Guid.NewGuid(), "labels.csv", new MemoryStream(), LabelImportTarget.Gold)).Error!.Code);
    }

    [Fact]
    public async Task OverTheApi_MultipartLabels_AsGold_ProblemsAsLabelsRejected_ReadKeyRefused()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 1, launch: false, kind: TaskKind.BoundingBoxes);

        static MultipartFormDataContent Form(object coco) => new() { { new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(coco)), "file", "gold.json" } };
        using var ok = await api.PostAsync($"/api/v1/jobs/{job.Id}/labels?as=gold", Form(CocoOf((1, "img/0.png", [(2, [1, 1, 6, 6])]))));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        var body = JsonDocument.Parse(await ok.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((1, "gold"), (body.GetProperty("items").GetInt32(), body.GetProperty("as").GetString()));
        Assert.NotNull((await ItemsByNameAsync(job))["img/0.png"].GoldAnswer);

        using var bad = await api.PostAsync($"/api/v1/jobs/{job.Id}/labels", Form(CocoOf((1, "img/9.png", [(2, [1, 1, 6, 6])]))));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var problem = JsonDocument.Parse(await bad.Content.ReadAsStringAsync()).RootElement;
        Assert.EndsWith("/labels_rejected", problem.GetProperty("type").GetString());
        Assert.Equal("image \"img/9.png\" (id 1): the job has no item \"img/9.png\"", problem.GetProperty("problems")[0].GetString());

        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync($"/api/v1/jobs/{job.Id}/labels?as=answers", Form(CocoOf()))).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await api.PostAsync($"/api/v1/jobs/{job.Id}/labels", new StringContent("{}"))).StatusCode);
        var reader = factory.CreateApiClient((await factory.IssueKeyAsync(researcher, LabelPlatform.Accounts.ApiKeys.ApiKeyScope.Read)).Secret);
        Assert.Equal(HttpStatusCode.Forbidden, (await reader.PostAsync($"/api/v1/jobs/{job.Id}/labels", Form(CocoOf()))).StatusCode);
    }
}
