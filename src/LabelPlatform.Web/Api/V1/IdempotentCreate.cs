using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using LabelPlatform.Accounts.ApiKeys;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Web.Api.V1;

/// <summary>A request body of the API (what <see cref="IdempotentCreate"/> compares).</summary>
public interface IApiRequest;

/// <summary>
/// A create request with an <c>Idempotency-Key</c> header runs once per key (and organisation) for 24 hours:
/// a retry gets the first answer again, the key with another request is refused, a retry while the first
/// is still running is told to wait. Failures that are the caller's (4xx) are kept as answers too, as
/// Stripe does; an exception frees the key.
/// </summary>
public sealed class Idempotency(IdempotentRequests requests, IOptions<JsonOptions> json)
{
    public const string Header = "Idempotency-Key";

    /// <summary>Runs <paramref name="create"/> unless this key already did; <paramref name="requestBody"/> tells one request from another.</summary>
    public async Task<object?> RunAsync(HttpContext http, string requestBody, Func<Task<object?>> create)
    {
        if (!http.Request.Headers.TryGetValue(Header, out var values))
        {
            return await create();
        }

        var key = values.ToString();
        var organisationId = http.User.OrganisationId();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{http.Request.Method} {http.Request.Path}\n{requestBody}")));
        switch (await requests.ClaimAsync(organisationId, key, hash, http.RequestAborted))
        {
            case IdempotencyClaim.Refused refused:
                return ApiProblems.For(refused.Error);
            case IdempotencyClaim.Replay replay:
                http.Response.Headers["Idempotent-Replayed"] = "true";
                if (replay.Location is not null)
                {
                    http.Response.Headers.Location = replay.Location;
                }

                return TypedResults.Content(replay.Body ?? "", replay.StatusCode >= 400 ? "application/problem+json" : "application/json", Encoding.UTF8, replay.StatusCode);
        }

        object? result;
        try
        {
            result = await create();
        }
        catch
        {
            await requests.AbandonAsync(organisationId, key);
            throw;
        }

        var (status, answer, location) = Describe(result);
        await requests.CompleteAsync(organisationId, key, status, JsonSerializer.Serialize(answer, answer?.GetType() ?? typeof(object), json.Value.SerializerOptions), location, CancellationToken.None);
        return result;
    }

    /// <summary>The bound body stands for the request: the same JSON in another order or spacing is the same request.</summary>
    public string Describe(IEnumerable<IApiRequest> bodies) => JsonSerializer.Serialize(bodies.Cast<object>().ToList(), json.Value.SerializerOptions);

    /// <summary>The status, body and Location a typed result will write.</summary>
    private static (int Status, object? Body, string? Location) Describe(object? result)
    {
        var inner = result is INestedHttpResult nested ? nested.Result : result;
        var status = (inner as IStatusCodeHttpResult)?.StatusCode ?? StatusCodes.Status200OK;
        var body = (inner as IValueHttpResult)?.Value;
        var location = inner?.GetType().GetProperty("Location")?.GetValue(inner) as string;
        return (status, body, location);
    }
}

/// <summary><see cref="Idempotency"/> for endpoints with a JSON body.</summary>
public sealed class IdempotentCreate(Idempotency idempotency) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        new(idempotency.RunAsync(context.HttpContext, idempotency.Describe(context.Arguments.OfType<IApiRequest>()), () => next(context).AsTask()));
}
