using System.Text;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Imports;

public class TextImportTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task ImportAsync_CsvWithQuotedMultilineTextsAndNames_StoresEachTextInOrder()
    {
        var job = await NewTextJobAsync();
        const string csv = "id,text,source\r\nr1,\"Great product, would buy again\",web\r\nr2,\"He said \"\"no\"\".\nThen left.\",mail\r\n\r\nr3,Plain text,web\r\n";

        var report = await ImportAsync(job, "reviews.csv", csv);

        Assert.True(report.Succeeded, report.Summary);
        Assert.Equal("Imported 3 items.", report.Summary);
        var items = await factory.ItemsAsync(job.Id);
        Assert.Equal(["Great product, would buy again", "He said \"no\".\nThen left.", "Plain text"], items.Select(i => i.Text));
        Assert.Equal(["r1", "r2", "r3"], items.Select(i => i.SourceName));
        Assert.All(items, i => Assert.Equal(("text/plain", 2), (i.ContentType, i.RemainingSlots)));
        Assert.Equal(JobStatus.Ready, await factory.JobStatusAsync(job.Id));
    }

    [Fact]
    public async Task ImportAsync_Jsonl_StoresTextsWithTheirNames()
    {
        var job = await NewTextJobAsync();
        const string jsonl = "{\"text\": \"first\", \"name\": \"a\"}\n\n{\"text\": \"second \\u00e9\", \"id\": 7}\n";

        var report = await ImportAsync(job, "texts.jsonl", jsonl);

        Assert.True(report.Succeeded, report.Summary);
        var items = await factory.ItemsAsync(job.Id);
        Assert.Equal([("a", "first"), ("7", "second é")], items.Select(i => (i.SourceName, i.Text)));
    }

    [Fact]
    public async Task ImportAsync_SomeBadRows_NothingStoredAndEachBadRowNamedWithItsReason()
    {
        var job = await NewTextJobAsync();
        var tooLong = new string('x', JobRules.MaxTextLength + 1);
        var jsonl = $"{{\"text\": \"fine\"}}\n{{\"text\": \"\"}}\n{{\"txt\": \"typo\"}}\nnot json\n{{\"text\": \"{tooLong}\"}}\n[1]\n";

        var report = await ImportAsync(job, "texts.jsonl", jsonl);

        Assert.False(report.Succeeded);
        Assert.Equal("Nothing was imported: 5 of 6 rows were rejected. Fix or remove them and upload again.", report.Summary);
        var reasons = report.Files.Where(f => f.Outcome == FileOutcome.Rejected).ToDictionary(f => f.Path, f => f.Reason);
        Assert.Equal("has an empty text", reasons["line 2"]);
        Assert.Equal("has no \"text\" string", reasons["line 3"]);
        Assert.StartsWith("is not valid JSON", reasons["line 4"]);
        Assert.Equal("has a text of 10,001 characters; the limit is 10,000", reasons["line 5"]);
        Assert.Equal("is not a JSON object", reasons["line 6"]);
        Assert.Empty(await factory.ItemsAsync(job.Id));
        Assert.Equal(JobStatus.Draft, await factory.JobStatusAsync(job.Id));
    }

    [Theory]
    [InlineData("texts.csv", "name,body\nx,hello\n", "Nothing was imported: the CSV has no \"text\" column (its header: \"name\", \"body\")")]
    [InlineData("texts.csv", "text\n\"never closed\nmore\n", "Nothing was imported: a quoted field that starts on line 2 never ends")]
    [InlineData("texts.txt", "text\nhello\n", "Nothing was imported: \"texts.txt\" is not a .csv or .jsonl file")]
    [InlineData("texts.csv", "text\n", "Nothing was imported: the file holds no texts.")]
    public async Task ImportAsync_UnreadableFile_NothingStoredWithTheReason(string fileName, string content, string summary)
    {
        var job = await NewTextJobAsync();

        var report = await ImportAsync(job, fileName, content);

        Assert.Equal(summary, report.Summary);
        Assert.Empty(await factory.ItemsAsync(job.Id));
    }

    [Fact]
    public async Task ImportAsync_NotUtf8_RefusedAsNotText()
    {
        var job = await NewTextJobAsync();
        using var latin1 = new MemoryStream([.. "text\ncaf"u8, 0xE9, (byte)'\n']);

        var result = await factory.Services.GetRequiredService<TextImporter>().ImportAsync(job.Id, job.OrganisationId, "t.csv", latin1);

        Assert.Equal("Nothing was imported: the file is not UTF-8 text", result.Value!.Summary);
    }

    [Fact]
    public async Task ImportAsync_TextsIntoAnImageJobOrZipIntoATextJob_RefusedWithWhatToUpload()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var imageJob = await factory.CreateJobAsync(researcher);
        var textJob = await factory.CreateJobAsync(researcher, kind: TaskKind.TextClassification);

        using var csv = new MemoryStream("text\nhello\n"u8.ToArray());
        var texts = await factory.Services.GetRequiredService<TextImporter>().ImportAsync(imageJob.Id, imageJob.OrganisationId, "t.csv", csv);
        using var zip = TestZips.Images(1);
        var images = await factory.Services.GetRequiredService<ZipImporter>().ImportAsync(textJob.Id, textJob.OrganisationId, zip);

        Assert.Equal("This is an image job: upload a zip of images, not a file of texts.", texts.Error?.Message);
        Assert.Equal("This is a text job: upload a CSV or JSONL file of texts, not a zip of images.", images.Error?.Message);
    }

    [Fact]
    public async Task ImportAsync_AnotherOrganisationsJob_NotFound()
    {
        var job = await NewTextJobAsync();
        var stranger = await factory.SignUpAsync(AccountKind.Researcher);
        using var csv = new MemoryStream("text\nhello\n"u8.ToArray());

        var result = await factory.Services.GetRequiredService<TextImporter>().ImportAsync(job.Id, stranger.OrganisationId!.Value, "t.csv", csv);

        Assert.Equal("not_found", result.Error?.Code);
        Assert.Empty(await factory.ItemsAsync(job.Id));
    }

    private async Task<Job> NewTextJobAsync() =>
        await factory.CreateJobAsync(await factory.SignUpAsync(AccountKind.Researcher), kind: TaskKind.TextClassification);

    private async Task<ImportReport> ImportAsync(Job job, string fileName, string content)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(content));
        var result = await factory.Services.GetRequiredService<TextImporter>().ImportAsync(job.Id, job.OrganisationId, fileName, stream);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return result.Value!;
    }
}
