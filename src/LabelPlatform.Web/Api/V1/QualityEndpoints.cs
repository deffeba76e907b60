using System.Security.Claims;
using LabelPlatform.Exports;
using LabelPlatform.Jobs.ListJobs;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Review.Batches;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabelPlatform.Web.Api.V1;

/// <summary>One worker's record on a job's gold, by pseudonym (the same one the exports use).</summary>
public sealed record WorkerRecord(string Worker, int GoldAnswers, int GoldCorrect, [property: System.ComponentModel.Description("GoldCorrect / GoldAnswers, as observed (the job page also shows a 90% interval).")] double? ShareCorrect, bool Blocked, DateTimeOffset? BlockedAt, string? BlockReason);

/// <summary>The reasons reviewers pick from when they reject an answer of the job (keys 1–9 in the batch view).</summary>
public sealed record RejectionReasons(List<string> Reasons) : IApiRequest;

/// <summary>A job's quality settings over the API: the same use cases as the job page's quality and review panels.</summary>
public static class QualityEndpoints
{
    public static void MapQualityEndpoints(this RouteGroupBuilder api)
    {
        var job = api.MapGroup("/jobs/{jobId:guid}").WithTags("Quality");
        job.MapPut("/quality", SetPolicyAsync).WithSummary("Change a job's quality policy: gold share, blocking, aggregation, dynamic overlap")
            .WithDescription("The whole policy, as `quality` in the job. Allowed while the job runs; gold draws and blocks follow the new policy from the next claim.")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(ApiExamples.LaunchedJob.Quality, ApiExamples.LaunchedJob);
        job.MapGet("/workers", WorkersAsync).WithSummary("Each worker's gold record on the job, by pseudonym")
            .WithExamples(null, new List<WorkerRecord> { new("w_3f9a1c27be04d5e8", 24, 22, 0.917, false, null, null) });
        job.MapGet("/rejection-reasons", ReasonsAsync).WithSummary("The reasons reviewers pick from when they reject an answer")
            .WithExamples(null, new RejectionReasons(["Wrong label", "Box too loose", "Missed an object"]));
        job.MapPut("/rejection-reasons", SetReasonsAsync).WithSummary("Set the reasons reviewers pick from (at most 9)")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy)
            .WithExamples(new RejectionReasons(["Wrong label", "Box too loose", "Missed an object"]), new RejectionReasons(["Wrong label", "Box too loose", "Missed an object"]));
    }

    private static ProblemHttpResult NoJob() => ApiProblems.For(LabelPlatform.Common.Error.NotFound("The job"));

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> SetPolicyAsync(
        Guid jobId, QualityPolicy policy, ClaimsPrincipal user, SetQualityPolicy set, FindOrganisationJob find, CancellationToken ct)
    {
        if (await set.HandleAsync(jobId, user.OrganisationId(), policy, ct) is { } error)
        {
            return ApiProblems.For(error);
        }

        return await find.HandleAsync(jobId, user.OrganisationId(), ct) is { } job ? TypedResults.Ok(JobResponse.From(job)) : NoJob();
    }

    private static async Task<Results<Ok<List<WorkerRecord>>, ProblemHttpResult>> WorkersAsync(
        Guid jobId, ClaimsPrincipal user, WorkerAccuracy accuracy, FindOrganisationJob find, CancellationToken ct)
    {
        var organisationId = user.OrganisationId();
        if (await find.HandleAsync(jobId, organisationId, ct) is null)
        {
            return NoJob();
        }

        var rows = await accuracy.ForJobAsync(jobId, organisationId, ct);
        return TypedResults.Ok(rows.Select(r => new WorkerRecord(
            WorkerPseudonyms.For(organisationId, r.WorkerId), r.GoldAnswers, r.GoldCorrect,
            r.GoldAnswers == 0 ? null : Math.Round((double)r.GoldCorrect / r.GoldAnswers, 3), r.BlockedAt is not null, r.BlockedAt, r.BlockReason)).ToList());
    }

    private static async Task<Results<Ok<RejectionReasons>, ProblemHttpResult>> ReasonsAsync(Guid jobId, ClaimsPrincipal user, FindOrganisationJob find, CancellationToken ct) =>
        await find.HandleAsync(jobId, user.OrganisationId(), ct) is { } job ? TypedResults.Ok(new RejectionReasons(job.RejectionReasons)) : NoJob();

    private static async Task<Results<Ok<RejectionReasons>, ProblemHttpResult>> SetReasonsAsync(
        Guid jobId, RejectionReasons request, ClaimsPrincipal user, SetRejectionReasons set, FindOrganisationJob find, CancellationToken ct)
    {
        if (await set.HandleAsync(jobId, user.OrganisationId(), request.Reasons ?? [], ct) is { } error)
        {
            return ApiProblems.For(error);
        }

        return await find.HandleAsync(jobId, user.OrganisationId(), ct) is { } job ? TypedResults.Ok(new RejectionReasons(job.RejectionReasons)) : NoJob();
    }
}
