using System.Security.Claims;
using LabelPlatform.Exports;
using LabelPlatform.Jobs.ListJobs;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Review.Batches;
using LabelPlatform.Review.Prefilter;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabelPlatform.Web.Api.V1;

/// <summary>One worker's record on a job's gold, by pseudonym (the same one the exports use).</summary>
public sealed record WorkerRecord(string Worker, int GoldAnswers, int GoldCorrect, [property: System.ComponentModel.Description("GoldCorrect / GoldAnswers, as observed (the job page also shows a 90% interval).")] double? ShareCorrect, bool Blocked, DateTimeOffset? BlockedAt, string? BlockReason);

/// <summary>The reasons reviewers pick from when they reject an answer of the job (keys 1–9 in the batch view).</summary>
public sealed record RejectionReasons(List<string> Reasons) : IApiRequest;

/// <summary>The job's model goes over its items before launch: items it is at least <c>threshold</c> sure of are machine-labelled (when <c>machineLabels</c>), an <c>auditShare</c> of those still go to people.</summary>
public sealed record PrefilterStart(float Threshold = 0.95f, float AuditShare = 0.05f, bool MachineLabels = true) : IApiRequest;

/// <summary>A pre-filter run: its progress, how many items the model labelled, and (once people answer the audit items) how often it agreed.</summary>
public sealed record PrefilterResponse(
    Guid Id, string Status, int Total, int Done, double Percent, int MachineLabelled, int SentToPeople, int Audit, int Unreadable, float Threshold, float AuditShare,
    bool MachineLabels, string? Message, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, int? AuditAnswered = null, int? AuditAgreeing = null)
{
    public static PrefilterResponse From(PrefilterRun r, AuditAccuracy? audit = null) => new(
        r.Id, r.Status.ToString().ToLowerInvariant(), r.Total, r.Done, Math.Round(r.Progress * 100, 1), r.MachineLabelled, r.SentToPeople, r.Audit, r.Unreadable,
        r.Threshold, r.AuditShare, r.MachineLabels, r.Message, r.CreatedAt, r.FinishedAt, audit?.Answered, audit?.Agreeing);
}

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
        job.MapPost("/prefilter", StartPrefilterAsync).WithTags("Review").WithSummary("Have the job's model go over its items before launch (pre-filter)")
            .WithDescription("Needs the job's review model (uploaded on the job page). Runs in the background; poll GET …/prefilter.")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(new PrefilterStart(), ApiExamples.Prefilter with { Status = "queued", Done = 0, Percent = 0, MachineLabelled = 0, SentToPeople = 1200, Audit = 0 });
        job.MapGet("/prefilter", PrefilterAsync).WithTags("Review").WithSummary("The latest pre-filter run: progress, items machine-labelled, audit agreement")
            .WithExamples(null, ApiExamples.Prefilter);
    }

    private static async Task<Results<Accepted<PrefilterResponse>, ProblemHttpResult>> StartPrefilterAsync(
        Guid jobId, PrefilterStart request, ClaimsPrincipal user, StartPrefilter start, CancellationToken ct)
    {
        var started = await start.HandleAsync(jobId, user.OrganisationId(), user.UserId(), new PrefilterRequest(request.Threshold, request.AuditShare, request.MachineLabels), ct);
        return started.IsSuccess
            ? TypedResults.Accepted($"{ApiV1.Prefix}/jobs/{jobId}/prefilter", PrefilterResponse.From(started.Value!))
            : ApiProblems.For(started.Error!);
    }

    private static async Task<Results<Ok<PrefilterResponse>, ProblemHttpResult>> PrefilterAsync(
        Guid jobId, ClaimsPrincipal user, FindOrganisationJob find, PrefilterSummaries summaries, CancellationToken ct)
    {
        if (await find.HandleAsync(jobId, user.OrganisationId(), ct) is null)
        {
            return NoJob();
        }

        return await summaries.LatestAsync(jobId, ct) is { } latest
            ? TypedResults.Ok(PrefilterResponse.From(latest.Run, latest.Audit))
            : ApiProblems.For(LabelPlatform.Common.Error.NotFound("A pre-filter run of this job"));
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
