using LabelPlatform.Common;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LabelPlatform.Web.Api.V1;

/// <summary>
/// Every refusal of the researchers' API as RFC 9457 problem details with a stable <c>type</c>
/// (<c>/api/problems/{code}</c>, which describes itself): programs branch on the type, people read the detail.
/// </summary>
public static class ApiProblems
{
    public const string TypeBase = "/api/problems/";

    public sealed record ProblemType(string Code, int Status, string Title, string Description)
    {
        public string Type => TypeBase + Code;
    }

    public static readonly IReadOnlyDictionary<string, ProblemType> Catalogue = new ProblemType[]
    {
        new("validation", 400, "Invalid request", "A field is missing or out of range; `errors` names each field and what is wrong with it."),
        new("malformed_request", 400, "Malformed request", "The body is not the JSON (or multipart form) the endpoint takes, or a parameter has the wrong form."),
        new("unauthorized", 401, "API key required", "Send `Authorization: Bearer <key>` with a key from the API keys page. The key may be wrong, revoked, or its researcher no longer in the organisation."),
        new("insufficient_scope", 403, "Key cannot do this", "The key is read-only; changes need a key with the write scope."),
        new("forbidden", 403, "Not allowed", "The account behind the key may not do this."),
        new("not_found", 404, "Not found", "Nothing with this id belongs to the key's organisation."),
        new("conflict", 409, "Not possible now", "The thing is in a state that does not allow this (a launched job cannot be edited, a cancelled one cannot be launched)."),
        new("idempotency_in_progress", 409, "Request still under way", "A request with the same Idempotency-Key has not finished. Retry when it has."),
        new("idempotency_key_reused", 422, "Idempotency-Key reused", "The Idempotency-Key was used with a different request in the last 24 hours. Use a new key."),
        new("items_rejected", 422, "Items rejected", "The upload was checked and nothing was imported; `files` names each rejected file and why."),
        new("invalid_model", 422, "Model refused", "The model file was checked (loaded in a sandbox, tried on the job's items) and is not kept; the detail says why."),
        new("labels_rejected", 422, "Labels rejected", "The label file was checked and nothing was imported; `problems` names each problem and where it is in the file."),
        new("insufficient_funds", 402, "Not enough funds", "The organisation's balance does not cover the job's budget. Add funds on the billing page."),
        new("insufficient_balance", 402, "Not enough funds", "The organisation's balance does not cover this."),
        new("payload_too_large", 413, "Body too large", "The upload is over the limit the detail names."),
        new("unsupported_media_type", 415, "Wrong content type", "The endpoint takes another content type (the detail says which)."),
        new("rate_limited", 429, "Too many requests", "The key made more requests this minute than it may. Wait for the seconds in Retry-After."),
        new("server_error", 500, "Server error", "Something failed on our side; nothing was changed. Retry, with the same Idempotency-Key for a create."),
    }.ToDictionary(p => p.Code);

    /// <summary>An expected failure of a use case as the API's answer.</summary>
    public static ProblemHttpResult For(Error error) =>
        Problem(error.Code, error.Message, error.Fields is { } fields ? new Dictionary<string, object?> { ["errors"] = fields } : null);

    public static ProblemHttpResult Problem(string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var known = Catalogue.GetValueOrDefault(code) ?? new ProblemType(code, 400, "Request refused", "");
        return TypedResults.Problem(detail, statusCode: known.Status, title: known.Title, type: known.Type, extensions: extensions);
    }

    /// <summary>Problems the framework writes (a body that is not JSON, a 404 route, an exception) get the type of their status.</summary>
    public static void Customize(ProblemDetailsContext context)
    {
        if (!context.HttpContext.Request.Path.StartsWithSegments(ApiV1.Prefix) && !context.HttpContext.Request.Path.StartsWithSegments(ApiV1.ProblemsPath))
        {
            return;
        }

        if (context.ProblemDetails.Type?.StartsWith(TypeBase, StringComparison.Ordinal) == true)
        {
            return;
        }

        var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
        var code = status switch
        {
            400 => "malformed_request",
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            409 => "conflict",
            413 => "payload_too_large",
            415 => "unsupported_media_type",
            429 => "rate_limited",
            >= 500 => "server_error",
            _ => null,
        };
        if (code is not null)
        {
            context.ProblemDetails.Type = Catalogue[code].Type;
            context.ProblemDetails.Title = Catalogue[code].Title;
            context.ProblemDetails.Detail ??= Catalogue[code].Description;
        }
    }

    /// <summary>What a problem type means: the target of every <c>type</c> the API sends.</summary>
    public static Results<Ok<ProblemType>, NotFound> Describe(string code) =>
        Catalogue.TryGetValue(code, out var type) ? TypedResults.Ok(type) : TypedResults.NotFound();
}
