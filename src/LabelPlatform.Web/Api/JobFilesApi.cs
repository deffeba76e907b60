using System.Security.Claims;
using System.Text;
using LabelPlatform.Accounts;
using LabelPlatform.Data;
using LabelPlatform.Exports;
using LabelPlatform.Jobs.Examples;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Queue.Files;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Api;

/// <summary>Item images and result downloads: plain HTTP, so browsers cache and stream them.</summary>
public static class JobFilesApi
{
    public static void MapJobFilesApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/items/{itemId:guid}/file", GetItemFileAsync).RequireAuthorization();
        app.MapGet(AssignmentFiles.WorkerPath + "{token}", GetWorkerFileAsync).RequireAuthorization(p => p.RequireRole(Roles.Worker));
        app.MapGet(AssignmentFiles.ReviewerPath + "{token}", GetReviewerFileAsync).RequireAuthorization(p => p.RequireRole(Roles.Reviewer, Roles.Admin));
        app.MapGet("/jobs/{jobId:guid}/examples/{exampleId:guid}/file", GetExampleFileAsync).RequireAuthorization();
        app.MapGet("/exports/{exportId:guid}/file", DownloadExportAsync).RequireAuthorization(p => p.RequireRole(Roles.Researcher));
        app.MapGet("/api/jobs/{jobId:guid}/results.csv", ExportCsvAsync).RequireAuthorization(p => p.RequireRole(Roles.Researcher)).RequireRateLimiting(Security.RateLimits.Exports);
    }

    /// <summary>The item's image, or with <c>?w=</c> a copy at most about that wide (see <see cref="ScreenImages"/>).</summary>
    private static async Task<IResult> GetItemFileAsync(
        Guid itemId, int? w, HttpContext http, ClaimsPrincipal user, ItemAccess access, ScreenImages images, CancellationToken ct)
    {
        var file = await access.FindVisibleAsync(itemId, user, ct);
        var opened = file is null ? null : await images.OpenAsync(file, w is > 0 ? w : null, ct);
        if (opened is not { } image)
        {
            return TypedResults.NotFound();
        }

        // Private: only this user may see it, and only while their lease lasts; the browser may keep it for a while.
        http.Response.Headers.CacheControl = "private, max-age=600";
        var tag = new Microsoft.Net.Http.Headers.EntityTagHeaderValue($"\"{file!.Sha256[..16]}-{(w is > 0 ? ScreenImages.Bucket(w.Value) : 0)}\"");
        return TypedResults.Stream(image.Content, image.ContentType, entityTag: tag);
    }

    /// <summary>
    /// A worker's item, by the link of their assignment (<see cref="AssignmentFiles"/>): the same
    /// answer, headers and kind of bytes for every item, gold or not, and nothing that names the item.
    /// </summary>
    private static async Task<IResult> GetWorkerFileAsync(
        string token, int? w, HttpContext http, ClaimsPrincipal user, AssignmentFiles links, ScreenImages images, CancellationToken ct) =>
        await ServeLinkedAsync(await links.FindAsync(token, user.FindFirstValue(ClaimTypes.NameIdentifier)!, ct), w, http, images, ct);

    /// <summary>A review card's item, by the link of the answer on the card: the same for a flagged answer, an audit sample and a gold check.</summary>
    private static async Task<IResult> GetReviewerFileAsync(
        string token, int? w, HttpContext http, ClaimsPrincipal user, AssignmentFiles links, ScreenImages images, CancellationToken ct) =>
        await ServeLinkedAsync(await links.FindForReviewerAsync(token, user.FindFirstValue(ClaimTypes.NameIdentifier)!, ct), w, http, images, ct);

    private static async Task<IResult> ServeLinkedAsync(ItemFile? file, int? w, HttpContext http, ScreenImages images, CancellationToken ct)
    {
        var opened = file is null ? null : await images.OpenPlainCopyAsync(file, w is > 0 ? w.Value : 1600, ct);
        if (opened is not { } image)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "private, max-age=600";
        return TypedResults.Stream(image.Content, image.ContentType);
    }

    private static async Task<IResult> GetExampleFileAsync(
        Guid jobId, Guid exampleId, int? w, HttpContext http, ClaimsPrincipal user, JobExamples examples, ScreenImages images, CancellationToken ct)
    {
        var file = await examples.FindVisiblePictureAsync(jobId, exampleId, user, ct);
        var opened = file is null ? null : await images.OpenAsync(file, w is > 0 ? w : null, ct);
        if (opened is not { } image)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers.CacheControl = "private, max-age=600";
        return TypedResults.Stream(image.Content, image.ContentType);
    }

    /// <summary>A prepared export (the job page's export panel), while it is kept.</summary>
    private static async Task<IResult> DownloadExportAsync(Guid exportId, ClaimsPrincipal user, FindUserOrganisation organisationOf, LabelPlatform.Exports.Files.ExportFiles files, CancellationToken ct)
    {
        var organisationId = await organisationOf.HandleAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, ct);
        return organisationId is { } org && await files.OpenAsync(exportId, org, ct) is var (file, content)
            ? TypedResults.Stream(content, file.ReadOptions().ContentType, file.FileName)
            : TypedResults.NotFound();
    }

    private static async Task ExportCsvAsync(Guid jobId, HttpContext http, ClaimsPrincipal user, FindUserOrganisation organisationOf, ExportJobResults export, CancellationToken ct)
    {
        var options = new ExportOptions(ExportFormat.Csv);
        var organisationId = await organisationOf.HandleAsync(user.FindFirstValue(ClaimTypes.NameIdentifier)!, ct);
        var job = organisationId is null ? null : (await export.CheckAsync(jobId, organisationId.Value, options, ct)).Value;
        if (job is null)
        {
            await TypedResults.Problem("The job was not found.", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = options.ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{options.FileName(job.Name)}\"";
        await export.WriteAsync(jobId, job.OrganisationId, options, http.Response.Body, ct: ct);
    }
}
