using System.ComponentModel;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Exports;
using LabelPlatform.Jobs.Examples;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabelPlatform.Web.Api.V1;

/// <summary>A bonus to one worker who answered the job, by the pseudonym the API and exports show; money in minor units, from the organisation's funds.</summary>
public sealed record BonusRequest(
    [property: Description("The worker's pseudonym (w_…), as items and exports show it.")] string Worker,
    [property: Description("Minor units, in the job's currency; the platform's fee is added.")] long Amount,
    string? Note = null) : IApiRequest;

public sealed record BonusResponse(string Worker, long Amount, string Outcome);

public sealed record ExampleResponse(Guid Id, int Ordinal, string Caption, bool HasPicture, int Width, int Height, DateTimeOffset CreatedAt)
{
    public static ExampleResponse From(JobExample e) => new(e.Id, e.Ordinal, e.Caption, e.StorageKey is not null, e.Width, e.Height, e.CreatedAt);
}

/// <summary>Examples for workers and bonuses over the API: the job page's and the billing page's use cases.</summary>
public static class JobExtrasEndpoints
{
    public static void MapJobExtrasEndpoints(this RouteGroupBuilder api)
    {
        var job = api.MapGroup("/jobs/{jobId:guid}");
        job.MapPost("/bonuses", BonusAsync).WithTags("Billing").WithSummary("Pay a worker who answered the job a bonus")
            .WithDescription("From the organisation's funds, plus the platform's fee. Send an `Idempotency-Key`: a retry with the same key pays once.")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).AddEndpointFilter<IdempotentCreate>()
            .WithExamples(new BonusRequest("w_3f9a1c27be04d5e8", 200, "Careful boxes, thank you"), new BonusResponse("w_3f9a1c27be04d5e8", 200, "paid"));
        job.MapGet("/examples", ExamplesAsync).WithTags("Jobs").WithSummary("The job's examples for workers")
            .WithExamples(null, new List<ExampleResponse> { ApiExamples.Example });
        job.MapPost("/examples", AddExampleAsync).WithTags("Jobs").WithSummary("Add an example for workers: a caption and an optional picture")
            .WithDescription("A `multipart/form-data` body: `caption` (the right answer and why, Markdown) and an optional `picture` (PNG or JPEG, checked as uploaded items are).")
            .WithMetadata(new MultipartUpload("picture", "A PNG or JPEG (optional).", FileOptional: true, ("caption", "The right answer and why (Markdown).")))
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy)
            .WithExamples(null, ApiExamples.Example);
        job.MapDelete("/examples/{exampleId:guid}", RemoveExampleAsync).WithTags("Jobs").WithSummary("Remove an example").RequireAuthorization(ApiKeyAuthentication.WritePolicy);
    }

    private static async Task<Results<Created<BonusResponse>, Ok<BonusResponse>, ProblemHttpResult>> BonusAsync(
        Guid jobId, BonusRequest request, HttpContext http, ClaimsPrincipal user, JobWorkerPseudonyms workers, PayBonus pay, CancellationToken ct)
    {
        var organisationId = user.OrganisationId();
        if (await workers.WorkerAsync(jobId, organisationId, request.Worker ?? "", ct) is not { } workerId)
        {
            return ApiProblems.For(LabelPlatform.Common.Error.NotFound("A worker with that pseudonym and an answer in this job"));
        }

        // With an Idempotency-Key the ledger's own key is derived from it: even a retry after the key's 24 hours pays once.
        var key = http.Request.Headers[Idempotency.Header].ToString();
        var requestId = key.Length > 0 ? new Guid(SHA256.HashData(Encoding.UTF8.GetBytes($"bonus:{organisationId:N}:{key}"))[..16]) : Guid.NewGuid();
        var paid = await pay.HandleAsync(organisationId, user.UserId(), jobId, workerId, request.Amount, request.Note ?? "", requestId, ct);
        if (!paid.IsSuccess)
        {
            return ApiProblems.For(paid.Error!);
        }

        var response = new BonusResponse(request.Worker!, request.Amount, paid.Value == PostOutcome.Posted ? "paid" : "already_paid");
        return paid.Value == PostOutcome.Posted ? TypedResults.Created((string?)null, response) : TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<List<ExampleResponse>>, ProblemHttpResult>> ExamplesAsync(
        Guid jobId, ClaimsPrincipal user, LabelPlatform.Jobs.ListJobs.FindOrganisationJob find, JobExamples examples, CancellationToken ct) =>
        await find.HandleAsync(jobId, user.OrganisationId(), ct) is null
            ? ApiProblems.For(LabelPlatform.Common.Error.NotFound("The job"))
            : TypedResults.Ok((await examples.ListAsync(jobId, ct)).Select(ExampleResponse.From).ToList());

    /// <summary>The form is read here, after the key is checked: a form parameter would let routing answer 415 to anyone first.</summary>
    private static async Task<Results<Created<ExampleResponse>, ProblemHttpResult>> AddExampleAsync(
        Guid jobId, HttpContext http, ClaimsPrincipal user, JobExamples examples,
        Microsoft.Extensions.Options.IOptions<LabelPlatform.Jobs.ImportItems.UploadLimits> limits, CancellationToken ct)
    {
        if (!http.Request.HasFormContentType)
        {
            return ApiProblems.Problem("unsupported_media_type", "Send the example as multipart/form-data: a caption field and an optional picture file (curl -F caption=… -F picture=@a.png).");
        }

        var form = await http.Request.ReadFormAsync(ct);
        var picture = form.Files.GetFile("picture");
        if (picture is { Length: var length } && length > limits.Value.MaxFileBytes)
        {
            return ApiProblems.Problem("payload_too_large", $"The picture is {length:N0} bytes; the limit is {limits.Value.MaxFileBytes:N0}.");
        }

        byte[]? bytes = null;
        if (picture is not null)
        {
            using var buffer = new MemoryStream();
            await using (var stream = picture.OpenReadStream())
            {
                await stream.CopyToAsync(buffer, ct);
            }

            bytes = buffer.ToArray();
        }

        var added = await examples.AddAsync(jobId, user.OrganisationId(), form["caption"].ToString(), bytes, ct);
        return added.IsSuccess
            ? TypedResults.Created($"{ApiV1.Prefix}/jobs/{jobId}/examples", ExampleResponse.From(added.Value!))
            : ApiProblems.For(added.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RemoveExampleAsync(Guid jobId, Guid exampleId, ClaimsPrincipal user, JobExamples examples, CancellationToken ct) =>
        await examples.RemoveAsync(jobId, user.OrganisationId(), exampleId, ct) is { } error ? ApiProblems.For(error) : TypedResults.NoContent();
}
