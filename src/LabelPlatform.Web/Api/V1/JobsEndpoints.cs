using System.Globalization;
using System.Security.Claims;
using System.Text;
using LabelPlatform.Billing.Statements;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.EditJob;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Jobs.ListJobs;
using LabelPlatform.Jobs.Progress;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabelPlatform.Web.Api.V1;

/// <summary>Jobs over the API: the same use cases as the job pages.</summary>
public static class JobsEndpoints
{
    public static void MapJobsEndpoints(this RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        api.MapGet("/jobs", ListAsync).WithTags("Jobs").WithSummary("List the organisation's jobs, newest first").WithExamples(null, ApiExamples.Jobs)
            .WithDescription("A page of up to `limit` jobs (1–100, default 20); pass the answer's `next` as `after` for the next page.");
        api.MapPost("/jobs", CreateAsync).WithTags("Jobs").WithSummary("Create a job (a draft: upload items, then launch it)")
            .WithDescription("Every option of the job form. Send an `Idempotency-Key` header to make a retry safe: the same key and body within 24 hours answer with the job created the first time.")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).AddEndpointFilter<IdempotentCreate>()
            .WithExamples(JobRequest.Example, ApiExamples.Job);
        jobs.MapGet("/{jobId:guid}", GetAsync).WithSummary("Read one job").WithExamples(null, ApiExamples.LaunchedJob);
        jobs.MapPut("/{jobId:guid}", EditAsync).WithSummary("Change a job before it is launched")
            .WithDescription("The whole definition, as for create. Once items are uploaded, the kind, labels and answers per item stay as they are.")
            .RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(JobRequest.Example, ApiExamples.Job);
        foreach (var action in Enum.GetValues<JobAction>())
        {
            jobs.MapPost($"/{{jobId:guid}}/{action.ToString().ToLowerInvariant()}", (Guid jobId, ClaimsPrincipal user, ChangeJobStatus change, FindOrganisationJob find, CancellationToken ct) => ChangeAsync(jobId, action, user, change, find, ct))
                .WithName(action + "Job").WithSummary(action switch
                {
                    JobAction.Launch => "Launch a job: its budget is held from the balance and workers get its items",
                    JobAction.Pause => "Pause a running job: no new items go out; leases already out may still be answered",
                    JobAction.Resume => "Resume a paused job",
                    _ => "Cancel a job for good: what is left of its budget returns to the balance",
                }).RequireAuthorization(ApiKeyAuthentication.WritePolicy).WithExamples(null, ApiExamples.LaunchedJob);
        }

        jobs.MapGet("/{jobId:guid}/progress", ProgressAsync).WithSummary("A job's progress and cost so far").WithExamples(null, ApiExamples.Progress)
            .WithDescription("Items and answers done, review counts, the crowd's agreement, and money in minor units (held, paid to workers, fees, returned).");
        api.MapGet("/balance", BalanceAsync).WithTags("Billing").WithSummary("The organisation's balance per currency, in minor units").WithExamples(null, ApiExamples.Balance);
    }

    private static async Task<Results<Ok<Page<JobResponse>>, ProblemHttpResult>> ListAsync(ClaimsPrincipal user, PageOrganisationJobs pages, string? after, int? limit, CancellationToken ct)
    {
        var cursor = DecodeCursor(after);
        if (after is not null && cursor is null)
        {
            return ApiProblems.Problem("validation", "`after` is not a cursor this API gave: pass the `next` of the previous page as it is.");
        }

        if (limit is < 1 or > PageOrganisationJobs.MaxPageSize)
        {
            return ApiProblems.Problem("validation", $"`limit` is 1 to {PageOrganisationJobs.MaxPageSize}.");
        }

        var page = await pages.HandleAsync(user.OrganisationId(), cursor, limit ?? 20, ct);
        return TypedResults.Ok(new Page<JobResponse>(page.Jobs.Select(JobResponse.From).ToList(), EncodeCursor(page.Next)));
    }

    private static async Task<Results<Created<JobResponse>, ProblemHttpResult>> CreateAsync(JobRequest request, ClaimsPrincipal user, CreateJob create, CancellationToken ct)
    {
        var result = await create.HandleAsync(request.ToDraft(), user.OrganisationId(), user.UserId(), ct);
        return result.IsSuccess
            ? TypedResults.Created($"{ApiV1.Prefix}/jobs/{result.Value!.Id}", JobResponse.From(result.Value))
            : ApiProblems.For(result.Error!);
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> GetAsync(Guid jobId, ClaimsPrincipal user, FindOrganisationJob find, CancellationToken ct) =>
        await find.HandleAsync(jobId, user.OrganisationId(), ct) is { } job
            ? TypedResults.Ok(JobResponse.From(job))
            : ApiProblems.For(LabelPlatform.Common.Error.NotFound("The job"));

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> EditAsync(Guid jobId, JobRequest request, ClaimsPrincipal user, EditJob edit, CancellationToken ct)
    {
        var result = await edit.HandleAsync(jobId, user.OrganisationId(), request.ToDraft(), ct);
        return result.IsSuccess ? TypedResults.Ok(JobResponse.From(result.Value!)) : ApiProblems.For(result.Error!);
    }

    private static async Task<Results<Ok<JobResponse>, ProblemHttpResult>> ChangeAsync(
        Guid jobId, JobAction action, ClaimsPrincipal user, ChangeJobStatus change, FindOrganisationJob find, CancellationToken ct)
    {
        var result = await change.HandleAsync(jobId, user.OrganisationId(), action, ct);
        if (!result.IsSuccess)
        {
            return ApiProblems.For(result.Error!);
        }

        var job = await find.HandleAsync(jobId, user.OrganisationId(), ct);
        return TypedResults.Ok(JobResponse.From(job!));
    }

    private static async Task<Results<Ok<JobProgress>, ProblemHttpResult>> ProgressAsync(
        Guid jobId, ClaimsPrincipal user, FindOrganisationJob find, GetJobCounts counts, BillingStatements statements, CancellationToken ct)
    {
        var organisationId = user.OrganisationId();
        if (await find.HandleAsync(jobId, organisationId, ct) is not { } job)
        {
            return ApiProblems.For(LabelPlatform.Common.Error.NotFound("The job"));
        }

        var c = (await counts.HandleAsync([jobId], ct)).GetValueOrDefault(jobId) ?? new JobCounts(0, 0, 0, 0, 0, 0, ReviewCounts.None);
        var spend = (await statements.ForOrganisationAsync(organisationId, lines: 0, ct)).Jobs.FirstOrDefault(s => s.JobId == jobId);
        return TypedResults.Ok(new JobProgress(
            jobId, job.Status, c.Items, c.ItemsDone, c.ItemsInProgress, c.ItemsNotStarted, c.Answers, c.AnswersNeeded, Math.Round(c.PercentDone, 2), c.ActiveLeases,
            new ReviewProgress(c.Review.Pending, c.Review.Accepted, c.Review.NeedsReview, c.Review.Rejected, c.Review.Approved, c.Review.Disputed),
            job.Agreement,
            new JobCost(job.Currency, spend?.Escrowed ?? 0, spend?.Spent ?? 0, spend?.Fees ?? 0, spend?.Refunded ?? 0)));
    }

    private static async Task<Ok<BalanceResponse>> BalanceAsync(ClaimsPrincipal user, BillingStatements statements, CancellationToken ct)
    {
        var statement = await statements.ForOrganisationAsync(user.OrganisationId(), lines: 0, ct);
        return TypedResults.Ok(new BalanceResponse(statement.Balances
            .Select(b => new CurrencyBalance(b.Currency, b.Available, b.Funded, b.Escrowed, b.Spent, b.Fees, b.Refunded)).ToList()));
    }

    /// <summary>Opaque to callers: the last job's creation time and id.</summary>
    private static string? EncodeCursor(JobCursor? cursor) =>
        cursor is null ? null : Convert.ToBase64String(Encoding.UTF8.GetBytes($"{cursor.CreatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}_{cursor.Id:N}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static JobCursor? DecodeCursor(string? after)
    {
        if (string.IsNullOrEmpty(after) || after.Length > 100)
        {
            return null;
        }

        try
        {
            var padded = after.Replace('-', '+').Replace('_', '/');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(padded + new string('=', (4 - (padded.Length % 4)) % 4)));
            var parts = text.Split('_');
            return parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && Guid.TryParseExact(parts[1], "N", out var id)
                ? new JobCursor(new DateTimeOffset(ticks, TimeSpan.Zero), id)
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
