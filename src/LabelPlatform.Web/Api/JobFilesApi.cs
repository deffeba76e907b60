using System.Security.Claims;
using System.Text;
using LabelPlatform.Accounts;
using LabelPlatform.Data;
using LabelPlatform.Exports.Csv;
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

    private static async Task ExportCsvAsync(
        Guid jobId, HttpContext http, ClaimsPrincipal user, IDbContextFactory<AppDbContext> dbFactory, ExportJobCsv export, CancellationToken ct)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var orgId = await db.OrganisationOfAsync(userId, ct);
        var jobName = await db.Jobs.Where(j => j.Id == jobId && j.OrganisationId == orgId).Select(j => j.Name).SingleOrDefaultAsync(ct);
        if (orgId is null || jobName is null)
        {
            await TypedResults.Problem("The job was not found.", statusCode: StatusCodes.Status404NotFound).ExecuteAsync(http);
            return;
        }

        var fileName = new string(jobName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{(fileName.Length == 0 ? "job" : fileName)}-results.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await export.WriteAsync(jobId, orgId.Value, writer, ct);
    }
}
