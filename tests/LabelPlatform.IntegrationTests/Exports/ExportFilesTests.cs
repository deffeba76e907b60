using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Exports;
using LabelPlatform.Exports.Files;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Labelling;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Exports;

/// <summary>Exports prepared in the background: progress recorded, file kept for its time and then deleted, only for its organisation.</summary>
public class ExportFilesTests(LabelPlatformFactory factory) : IClassFixture<LabelPlatformFactory>
{
    [Fact]
    public async Task Requested_ThenRun_ReadyWithFullProgress_SameBytesAsTheStreamedExport()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 5, answersPerItem: 1, kind: TaskKind.BoundingBoxes);
        var requested = await factory.Services.GetRequiredService<RequestExport>().HandleAsync(job.Id, job.OrganisationId, researcher.Id, new ExportOptions(ExportFormat.Jsonl));
        Assert.True(requested.IsSuccess, requested.Error?.Message);
        Assert.Equal(ExportFileStatus.Queued, requested.Value!.Status);

        await factory.Services.GetRequiredService<ExportFileJob>().RunAsync(requested.Value.Id, CancellationToken.None);

        var files = factory.Services.GetRequiredService<ExportFiles>();
        var file = await files.FindAsync(requested.Value.Id, job.OrganisationId);
        Assert.Equal(ExportFileStatus.Ready, file!.Status);
        Assert.Equal((5L, 5L, 100.0), (file.ItemsDone, file.ItemsTotal, file.Percent));
        var (_, content) = (await files.OpenAsync(file.Id, job.OrganisationId))!.Value;
        using var reader = new StreamReader(content);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(await factory.ExportAsync(job, new ExportOptions(ExportFormat.Jsonl))), await reader.ReadToEndAsync());
        Assert.Null(await files.OpenAsync(file.Id, Guid.NewGuid()));
    }

    [Fact]
    public async Task PastItsKeepingTime_TheSweepDeletesTheFile()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 2, answersPerItem: 1);
        var requested = (await factory.Services.GetRequiredService<RequestExport>().HandleAsync(job.Id, job.OrganisationId, researcher.Id, new ExportOptions(ExportFormat.Csv))).Value!;
        await factory.Services.GetRequiredService<ExportFileJob>().RunAsync(requested.Id, CancellationToken.None);
        var files = factory.Services.GetRequiredService<ExportFiles>();
        var key = (await files.FindAsync(requested.Id, job.OrganisationId))!.StorageKey!;
        Assert.True(File.Exists(Path.Combine(factory.StorageRoot, key)));

        await factory.ExecuteAsync("UPDATE export_files SET expires_at = now() - interval '1 minute' WHERE id = $1", requested.Id);
        await factory.Services.GetRequiredService<ExpireExportFilesJob>().RunAsync(CancellationToken.None);

        Assert.Equal(ExportFileStatus.Expired, (await files.FindAsync(requested.Id, job.OrganisationId))!.Status);
        Assert.Null(await files.OpenAsync(requested.Id, job.OrganisationId));
        Assert.False(File.Exists(Path.Combine(factory.StorageRoot, key)));
    }

    [Fact]
    public async Task OverTheApi_Accepted_ThenPolled_ThenDownloaded_AnotherOrganisationGetsNothing()
    {
        var (researcher, api) = await factory.ResearcherWithApiAsync();
        using var _ = api;
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 3, answersPerItem: 1, kind: TaskKind.BoundingBoxes);

        using var accepted = await api.PostAsJsonAsync($"/api/v1/jobs/{job.Id}/exports", new { format = "coco", settled = false });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        var export = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        var id = export.GetProperty("id").GetGuid();
        Assert.Equal("queued", export.GetProperty("status").GetString());
        await factory.Services.GetRequiredService<ExportFileJob>().RunAsync(id, CancellationToken.None);

        var ready = await api.GetFromJsonAsync<JsonElement>(accepted.Headers.Location!.OriginalString);
        Assert.Equal("ready", ready.GetProperty("status").GetString());
        Assert.Equal(100, ready.GetProperty("percent").GetDouble());
        using var download = await api.GetAsync(ready.GetProperty("download").GetString());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        FormatReaders.Coco(await download.Content.ReadAsByteArrayAsync(), out var coco);
        Assert.Equal(3, coco.GetProperty("images").GetArrayLength());

        var (_, stranger) = await factory.ResearcherWithApiAsync();
        using var __ = stranger;
        using var theirs = await stranger.GetAsync($"/api/v1/exports/{id}/file");
        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        using var badFormat = await api.PostAsJsonAsync($"/api/v1/jobs/{job.Id}/exports", new { format = "pdf" });
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
    }
}
