using System.Security.Claims;
using LabelPlatform.Exports;
using LabelPlatform.Exports.Files;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabelPlatform.Web.Api.V1;

/// <summary>The options of a prepared export; the same names as the streamed export's query.</summary>
public sealed record ExportRequest(
    [property: System.ComponentModel.Description("coco, yolo, voc (box jobs), csv or jsonl.")] string Format,
    bool Settled = false, double? MinConfidence = null, DateTimeOffset? From = null, DateTimeOffset? To = null, bool Answers = false) : IApiRequest
{
    public ExportOptions? ToOptions() =>
        Enum.TryParse<ExportFormat>(Format, ignoreCase: true, out var format) && !int.TryParse(Format, out _)
            ? new ExportOptions(format, Settled, MinConfidence, From, To, Answers)
            : null;
}

/// <summary>An export being prepared or ready: <c>download</c> is set once it is ready, until <c>expiresAt</c>.</summary>
public sealed record ExportResponse(
    Guid Id, Guid JobId, string Format, string Status, double Percent, long ItemsDone, long ItemsTotal, long Bytes, string FileName,
    string? Error, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, DateTimeOffset? ExpiresAt, string? Download)
{
    public static ExportResponse From(ExportFile f) => new(
        f.Id, f.JobId, f.Format.ToString().ToLowerInvariant(), f.Status.ToString().ToLowerInvariant(), Math.Round(f.Percent, 1), f.ItemsDone, f.ItemsTotal,
        f.Bytes, f.FileName, f.Error, f.CreatedAt, f.FinishedAt, f.ExpiresAt, f.Status == ExportFileStatus.Ready ? $"{ApiV1.Prefix}/exports/{f.Id}/file" : null);
}

/// <summary>Exports prepared in the background for large jobs, kept for download for a while.</summary>
public static class ExportsEndpoints
{
    public static void MapExportsEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/jobs/{jobId:guid}/exports", RequestAsync).WithTags("Items and results")
            .WithSummary("Prepare an export in the background (for large jobs); then poll it until it is ready")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).AddEndpointFilter<IdempotentCreate>()
            .WithExamples(new ExportRequest("coco", Settled: true, MinConfidence: 0.9), ApiExamples.Export with { Status = "queued", Percent = 0, ItemsDone = 0, ItemsTotal = 0 });
        api.MapGet("/jobs/{jobId:guid}/exports", ListAsync).WithTags("Items and results").WithSummary("A job's recent exports, newest first").WithExamples(null, new List<ExportResponse> { ApiExamples.Export });
        api.MapGet("/exports/{exportId:guid}", GetAsync).WithTags("Items and results").WithSummary("One export: its progress, and where to download it once ready").WithExamples(null, ApiExamples.Export);
        api.MapGet("/exports/{exportId:guid}/file", DownloadAsync).WithTags("Items and results").WithSummary("Download a prepared export while it is kept")
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream");
    }

    private static async Task<Results<Accepted<ExportResponse>, ProblemHttpResult>> RequestAsync(
        Guid jobId, ExportRequest request, ClaimsPrincipal user, RequestExport export, CancellationToken ct)
    {
        if (request.ToOptions() is not { } options)
        {
            return ApiProblems.Problem("validation", "`format` is one of coco, yolo, voc, csv and jsonl.");
        }

        var requested = await export.HandleAsync(jobId, user.OrganisationId(), user.UserId(), options, ct);
        return requested.IsSuccess
            ? TypedResults.Accepted($"{ApiV1.Prefix}/exports/{requested.Value!.Id}", ExportResponse.From(requested.Value))
            : ApiProblems.For(requested.Error!);
    }

    private static async Task<Ok<List<ExportResponse>>> ListAsync(Guid jobId, ClaimsPrincipal user, ExportFiles files, CancellationToken ct) =>
        TypedResults.Ok((await files.ListAsync(jobId, user.OrganisationId(), ct)).Select(ExportResponse.From).ToList());

    private static async Task<Results<Ok<ExportResponse>, ProblemHttpResult>> GetAsync(Guid exportId, ClaimsPrincipal user, ExportFiles files, CancellationToken ct) =>
        await files.FindAsync(exportId, user.OrganisationId(), ct) is { } file
            ? TypedResults.Ok(ExportResponse.From(file))
            : ApiProblems.For(LabelPlatform.Common.Error.NotFound("The export"));

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> DownloadAsync(Guid exportId, ClaimsPrincipal user, ExportFiles files, CancellationToken ct) =>
        await files.OpenAsync(exportId, user.OrganisationId(), ct) is var (file, content)
            ? TypedResults.Stream(content, file.ReadOptions().ContentType, file.FileName)
            : ApiProblems.For(LabelPlatform.Common.Error.NotFound("A ready export with this id (it may still be under way, or past its keeping time)"));
}
