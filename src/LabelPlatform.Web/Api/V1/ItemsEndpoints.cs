using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Exports;
using LabelPlatform.Exports.Imports;
using LabelPlatform.Exports.ItemResults;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Jobs.ListJobs;
using LabelPlatform.Labelling;
using LabelPlatform.Web.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace LabelPlatform.Web.Api.V1;

/// <summary>A review model kept as the job's model: its id and version.</summary>
public sealed record ModelUploaded(Guid Id, int Version, string Kind);

/// <summary>Labels imported: how many items took them, and as what.</summary>
public sealed record LabelsImported(int Items, string As);

/// <summary>A job's items over the API: upload (the page's importers and checks), list, one item's answers, the results file.</summary>
public static class ItemsEndpoints
{
    public static void MapItemsEndpoints(this RouteGroupBuilder api)
    {
        var items = api.MapGroup("/jobs/{jobId:guid}").WithTags("Items and results");
        items.MapPost("/items", UploadAsync).WithSummary("Upload items: a zip of images, or a CSV or JSONL file of texts")
            .WithDescription("A `multipart/form-data` body with one file part. The file is streamed to disk, then every item is checked as on the job page: all are imported, or none, and the answer names each rejected file and why. Send an `Idempotency-Key` to make a retry safe.")
            .WithMetadata(new MultipartUpload("file", "A zip of images (image jobs), or a CSV or JSONL file of texts (text jobs)."))
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy)
            .WithExamples(null, new UploadResponse(2, "Imported 2 items.", [new("signs/a.jpg", "Accepted", null, 48213, 640, 480), new("signs/b.png", "Accepted", null, 51877, 640, 480)]));
        items.MapPost("/labels", ImportLabelsAsync).WithSummary("Import existing labels into the job's items, as suggestions or as gold")
            .WithDescription("A `multipart/form-data` body with one file: COCO detection JSON (`.json`), YOLO label files in a `.zip` or `.tar.gz` with `classes.txt` or `data.yaml` (box jobs), or CSV (`item`, `label`/`labels`) or JSONL (`item`, `label`/`labels`/`boxes`). Items are found by id, uploaded path, the path without its extension, or the file name alone. `as=suggestions` (default): workers see them to accept or change, and they never count as an answer; `as=gold`: the items become gold. Every row is checked; any problem and nothing is imported, and the answer (`labels_rejected`) lists each problem with where it is in the file.")
            .WithMetadata(new MultipartUpload("file", "COCO .json, YOLO .zip/.tar.gz, or .csv/.jsonl labels."))
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy)
            .WithExamples(null, new LabelsImported(1200, "suggestions"));
        items.MapPost("/model", UploadModelAsync).WithTags("Review").WithSummary("Upload a review model (ONNX): it becomes the job's next model version")
            .WithDescription("A `multipart/form-data` body: a `descriptor` field first (JSON: what the model expects and returns, as the job page's model form; see ModelDescriptor in the schema), then the `model` file (up to 512 MiB). The model is loaded in a sandbox and tried on the job's items before it is kept.")
            .WithMetadata(new MultipartUpload("model", "The .onnx file.", false, ("descriptor", "JSON: kind, inputName, width, height, colour, scale, mean, std, resize, labelMap, …")))
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy)
            .WithExamples(null, new ModelUploaded(Guid.Parse("0193a5b7-6666-7777-8888-999900001111"), 2, "classification"));
        items.MapGet("/items", ListAsync).WithSummary("List a job's items with their results, in upload order").WithExamples(null, ApiExamples.Items)
            .WithDescription("A page of up to `limit` items (1–500, default 100); pass the answer's `next` as `after` for the next page.");
        items.MapGet("/items/{itemId:guid}", GetAsync).WithSummary("One item with every answer, the model's verdicts and the final label").WithExamples(null, ApiExamples.ItemWithAnswers)
            .WithDescription("Workers appear as pseudonyms: the same worker has the same one in all of your organisation's jobs, and it leads to no account.");
        items.MapGet("/export", ExportAsync).WithSummary("Download the job's results in COCO, YOLO, Pascal VOC, CSV or JSON Lines")
            .WithDescription("Streamed as it is read, whatever the job's size. `format`: coco (JSON), yolo and voc (.tar.gz; box jobs), csv, jsonl. Filters: `settled=true` (only items whose final label is as sure as the job asks), `minConfidence` (0–1), `from` and `to` (when the final label was set, ISO 8601). `answers=true` adds every answer with the worker's pseudonym and the model's verdicts (JSON formats; the CSV always has them).")
            .Produces(StatusCodes.Status200OK, contentType: "application/json", additionalContentTypes: ["application/gzip", "text/csv", "application/x-ndjson"]);
    }

    private static async Task<Results<Created<UploadResponse>, ProblemHttpResult, ContentHttpResult>> UploadAsync(
        Guid jobId, HttpContext http, ClaimsPrincipal user, FindOrganisationJob find, ZipImporter images, TextImporter texts,
        UploadAllowance allowance, IOptions<UploadLimits> limits, Idempotency idempotency, CancellationToken ct)
    {
        var organisationId = user.OrganisationId();
        if (await find.HandleAsync(jobId, organisationId, ct) is not { } job)
        {
            return ApiProblems.For(LabelPlatform.Common.Error.NotFound("The job"));
        }

        if (allowance.Refusal(UploadAllowance.Kind.Files, user.UserId()) is { } tooMany)
        {
            return ApiProblems.Problem("rate_limited", tooMany);
        }

        var isText = job.Kind.IsText();
        var limit = isText ? limits.Value.MaxTextFileBytes : limits.Value.MaxArchiveBytes;
        var temp = Path.GetTempFileName();
        try
        {
            var received = await ReceiveUploadAsync(http, temp, limit, "items.zip", ct);
            if (received.Problem is { } problem)
            {
                return problem;
            }

            var result = await idempotency.RunAsync(http, received.Sha256!, async () =>
            {
                await using var upload = File.OpenRead(temp);
                var imported = isText
                    ? await texts.ImportAsync(jobId, organisationId, received.FileName!, upload, ct)
                    : await images.ImportAsync(jobId, organisationId, upload, ct: ct);
                if (!imported.IsSuccess)
                {
                    return ApiProblems.For(imported.Error!);
                }

                var report = imported.Value!;
                var files = report.Files.Select(f => new UploadedFile(f.Path, f.Outcome.ToString(), f.Reason, f.Bytes, f.Width, f.Height)).ToList();
                return report.Succeeded
                    ? TypedResults.Created($"{ApiV1.Prefix}/jobs/{jobId}/items", new UploadResponse(report.ItemsAdded, report.Summary, files))
                    : ApiProblems.Problem("items_rejected", report.Summary, new Dictionary<string, object?> { ["files"] = files.Where(f => f.Outcome == nameof(FileOutcome.Rejected)).ToList() });
            });
            return result switch
            {
                Created<UploadResponse> created => created,
                ProblemHttpResult refused => refused,
                ContentHttpResult replayed => replayed,
                _ => throw new InvalidOperationException($"An upload answered with {result?.GetType().Name}."),
            };
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private sealed record Received(string? FileName, string? Sha256, ProblemHttpResult? Problem, Dictionary<string, string>? Fields = null);

    /// <summary>A text field before the file may be at most this long (a model's descriptor).</summary>
    private const int MaxFieldChars = 64 * 1024;

    /// <summary>The request's one file part streamed to <paramref name="path"/>, or the problem with the request.</summary>
    private static async Task<Received> ReceiveUploadAsync(HttpContext http, string path, long limit, string example, CancellationToken ct)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 and <= 200 } boundary)
        {
            return new(null, null, ApiProblems.Problem("unsupported_media_type", $"Send the file as multipart/form-data with one file part (curl -F file=@{example})."));
        }

        return await ReceiveFileAsync(new MultipartReader(boundary, http.Request.Body), path, limit, ct);
    }

    private static async Task<Results<Ok<LabelsImported>, ProblemHttpResult>> ImportLabelsAsync(
        Guid jobId, string? @as, HttpContext http, ClaimsPrincipal user, ImportLabels import, UploadAllowance allowance, CancellationToken ct)
    {
        if ((@as ?? "suggestions").ToLowerInvariant() is not ("suggestions" or "gold") || int.TryParse(@as, out _))
        {
            return ApiProblems.Problem("validation", "`as` is suggestions (shown to workers to accept or change) or gold (what workers are checked against).");
        }

        if (allowance.Refusal(UploadAllowance.Kind.Files, user.UserId()) is { } tooMany)
        {
            return ApiProblems.Problem("rate_limited", tooMany);
        }

        var target = string.Equals(@as, "gold", StringComparison.OrdinalIgnoreCase) ? LabelImportTarget.Gold : LabelImportTarget.Suggestions;
        var temp = Path.GetTempFileName();
        try
        {
            var received = await ReceiveUploadAsync(http, temp, LabelFiles.MaxFileBytes, "labels.json", ct);
            if (received.Problem is { } problem)
            {
                return problem;
            }

            await using var content = File.OpenRead(temp);
            var imported = await import.HandleAsync(jobId, user.OrganisationId(), received.FileName!, content, target, ct);
            if (!imported.IsSuccess)
            {
                return ApiProblems.For(imported.Error!);
            }

            return imported.Value!.Succeeded
                ? TypedResults.Ok(new LabelsImported(imported.Value.Applied, target == LabelImportTarget.Gold ? "gold" : "suggestions"))
                : ApiProblems.Problem("labels_rejected", $"No labels were imported: {imported.Value.Problems.Count} problems in {received.FileName}.",
                    new Dictionary<string, object?> { ["problems"] = imported.Value.Problems });
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static async Task<Results<Created<ModelUploaded>, ProblemHttpResult>> UploadModelAsync(
        Guid jobId, HttpContext http, ClaimsPrincipal user, LabelPlatform.Review.Models.RegisterModel register, UploadAllowance allowance,
        IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, CancellationToken ct)
    {
        if (allowance.Refusal(UploadAllowance.Kind.Model, user.UserId()) is { } tooMany)
        {
            return ApiProblems.Problem("rate_limited", tooMany);
        }

        var temp = Path.GetTempFileName();
        try
        {
            var received = await ReceiveUploadAsync(http, temp, LabelPlatform.Review.Models.ReviewModel.MaxFileBytes, "model.onnx", ct);
            if (received.Problem is { } problem)
            {
                return problem;
            }

            LabelPlatform.Review.Models.ModelDescriptor? descriptor;
            try
            {
                descriptor = received.Fields?.GetValueOrDefault("descriptor") is { } text
                    ? System.Text.Json.JsonSerializer.Deserialize<LabelPlatform.Review.Models.ModelDescriptor>(text, json.Value.SerializerOptions)
                    : null;
            }
            catch (System.Text.Json.JsonException e)
            {
                return ApiProblems.Problem("validation", $"`descriptor` is not a model descriptor: {e.Message.Split('.')[0]}.");
            }

            if (descriptor is null)
            {
                return ApiProblems.Problem("validation", "Send a `descriptor` field (JSON) before the `model` file: what the model expects and returns.");
            }

            var model = await register.HandleFileAsync(jobId, user.OrganisationId(), user.UserId(), received.FileName!, temp, descriptor, ct);
            return model.IsSuccess
                ? TypedResults.Created($"{ApiV1.Prefix}/jobs/{jobId}", new ModelUploaded(model.Value!.Id, model.Value.Version, descriptor.Kind.ToString().ToLowerInvariant()))
                : ApiProblems.For(model.Error!);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>The first file part of the body, streamed to <paramref name="path"/> (never more than <paramref name="limit"/> bytes), and its SHA-256.</summary>
    private static async Task<Received> ReceiveFileAsync(MultipartReader reader, string path, long limit, CancellationToken ct)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadNextSectionAsync(ct) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition))
            {
                continue;
            }

            if (!disposition.IsFileDisposition())
            {
                // Text fields before the file (the model's descriptor), each bounded; the file is the last part read.
                var field = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                var chars = new char[MaxFieldChars + 1];
                using var text = new StreamReader(section.Body);
                var count = await text.ReadBlockAsync(chars.AsMemory(), ct);
                if (count > MaxFieldChars)
                {
                    return new(null, null, ApiProblems.Problem("payload_too_large", $"The field \"{field}\" is over {MaxFieldChars:N0} characters."));
                }

                if (field is { Length: > 0 and <= 100 } && fields.Count < 10)
                {
                    fields[field] = new string(chars, 0, count);
                }

                continue;
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value ?? "upload";
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using var file = File.Create(path);
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await section.Body.ReadAsync(buffer, ct)) > 0)
            {
                total += read;
                if (total > limit)
                {
                    return new(null, null, ApiProblems.Problem("payload_too_large", $"The file is over {limit:N0} bytes, the most one upload may be. Split it into smaller files."));
                }

                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }

            return new(Path.GetFileName(name), $"{name}\n{Convert.ToHexStringLower(sha.GetHashAndReset())}", null, fields);
        }

        return new(null, null, ApiProblems.Problem("validation", "The body has no file part. Send the file as a form field with a file name (curl -F file=@items.zip)."));
    }

    private static async Task<Results<Ok<Page<ItemSummary>>, ProblemHttpResult>> ListAsync(
        Guid jobId, ClaimsPrincipal user, JobItemResults results, string? after, int? limit, CancellationToken ct)
    {
        int? from = null;
        if (after is not null)
        {
            if (!int.TryParse(after, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ordinal))
            {
                return ApiProblems.Problem("validation", "`after` is not a cursor this API gave: pass the `next` of the previous page as it is.");
            }

            from = ordinal;
        }

        var page = await results.ListAsync(jobId, user.OrganisationId(), from, limit ?? 100, ct);
        return page.IsSuccess
            ? TypedResults.Ok(new Page<ItemSummary>(page.Value!.Items, page.Value.NextAfter?.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : ApiProblems.For(page.Error!);
    }

    private static async Task<Results<Ok<ItemResult>, ProblemHttpResult>> GetAsync(Guid jobId, Guid itemId, ClaimsPrincipal user, JobItemResults results, CancellationToken ct)
    {
        var item = await results.FindAsync(jobId, user.OrganisationId(), itemId, ct);
        return item.IsSuccess ? TypedResults.Ok(item.Value!) : ApiProblems.For(item.Error!);
    }

    private static async Task ExportAsync(
        Guid jobId, string? format, bool? settled, double? minConfidence, DateTimeOffset? from, DateTimeOffset? to, bool? answers,
        HttpContext http, ClaimsPrincipal user, ExportJobResults export, CancellationToken ct)
    {
        if (!Enum.TryParse<ExportFormat>(format, ignoreCase: true, out var parsed) || int.TryParse(format, out _))
        {
            await ApiProblems.Problem("validation", "`format` is one of coco, yolo, voc, csv and jsonl.").ExecuteAsync(http);
            return;
        }

        var options = new ExportOptions(parsed, settled ?? false, minConfidence, from, to, answers ?? false);
        var job = await export.CheckAsync(jobId, user.OrganisationId(), options, ct);
        if (!job.IsSuccess)
        {
            await ApiProblems.For(job.Error!).ExecuteAsync(http);
            return;
        }

        http.Response.ContentType = options.ContentType;
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{options.FileName(job.Value!.Name)}\"";
        await export.WriteAsync(jobId, job.Value.OrganisationId, options, http.Response.Body, ct: ct);
    }
}
