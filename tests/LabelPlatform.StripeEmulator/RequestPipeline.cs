using Microsoft.AspNetCore.Http;

namespace LabelPlatform.StripeEmulator;

/// <summary>
/// What every /v1 request goes through, in Stripe's order: authentication, latency, the rate limit,
/// injected failures, idempotency, the endpoint, then (for held paths) waiting before the answer.
/// </summary>
internal sealed class RequestPipeline(StripeEmulator emulator, ApiHandlers handlers)
{
    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var method = request.Method.ToUpperInvariant();
        var path = request.Path.Value ?? "/";
        var aborted = context.RequestAborted;
        emulator.Count(requests: 1);

        if (emulator.Latency > TimeSpan.Zero)
        {
            await Task.Delay(emulator.Latency, aborted);
        }

        var apiKey = ApiKeyOf(request);
        if (apiKey is not null && apiKey == emulator.Options.ApiKey && emulator.KeyRevoked)
        {
            var expired = new ApiError(401, "invalid_request_error", "api_key_expired", $"Expired API Key provided: {Redact(apiKey)}");
            await WriteAsync(context, expired.ToResult(), replayed: false);
            return;
        }
        if (apiKey != emulator.Options.ApiKey)
        {
            var message = apiKey is null
                ? "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
                : $"Invalid API Key provided: {Redact(apiKey)}";
            await WriteAsync(context, new ApiError(401, "invalid_request_error", null, message).ToResult(), replayed: false);
            return;
        }

        var isWrite = method == "POST";
        if (emulator.Limits.Check(method, path) is { } limiter)
        {
            emulator.Count(http429: 1);
            var limited = new ApiError(429, "rate_limit_error", "rate_limit",
                "Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.");
            context.Response.Headers["Stripe-Rate-Limited-Reason"] = limiter;
            await WriteAsync(context, limited.ToResult(), replayed: false);
            return;
        }
        emulator.CountEndpoint(RateLimits.Endpoint(method, path));
        if (isWrite)
        {
            emulator.Count(writes: 1);
        }

        // Injected failures happen before execution, so nothing is created and no idempotent result is kept.
        if (isWrite && emulator.Failures.Take(path) is { } injected)
        {
            await WriteAsync(context, injected.ToResult(), replayed: false);
            return;
        }

        var form = await ReadParamsAsync(request, isWrite, aborted);
        var idempotencyKey = isWrite && request.Headers.TryGetValue("Idempotency-Key", out var k) && k.ToString().Length > 0
            ? k.ToString()
            : null;
        if (idempotencyKey is null)
        {
            var fresh = handlers.Handle(method, path, form, null);
            await AnswerAsync(context, path, isWrite, fresh);
            return;
        }

        while (true)
        {
            var entry = emulator.Idempotency.Begin(apiKey, idempotencyKey, method, path, form.Fingerprint(), emulator.Clock.UtcNow, out var owner);
            if (owner)
            {
                var result = handlers.Handle(method, path, form, idempotencyKey);
                // Stripe keeps results only once the endpoint ran: successes and server errors, not 4xx rejections.
                emulator.Idempotency.Complete(apiKey, idempotencyKey, entry, result.Status is < 400 or >= 500 ? result : null);
                await AnswerAsync(context, path, isWrite, result);
                return;
            }
            if (entry.Method != method || entry.Path != path || entry.Fingerprint != form.Fingerprint())
            {
                var mismatch = new ApiError(400, "idempotency_error", null,
                    $"Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{idempotencyKey}' if you meant to execute a different request.");
                await WriteAsync(context, mismatch.ToResult(), replayed: false);
                return;
            }
            // A concurrent first use: wait for it rather than run twice; an unkept result means execute afresh.
            if (await entry.Result.Task.WaitAsync(aborted) is { } stored)
            {
                emulator.Count(replays: 1);
                if (stored.Status < 400 && emulator.Cuts.Take(path) is not null)
                {
                    await CutAsync(context, stored);
                    return;
                }
                await WriteAsync(context, stored, replayed: true);
                return;
            }
        }
    }

    private async Task AnswerAsync(HttpContext context, string path, bool isWrite, ApiResult result)
    {
        if (isWrite && result.Status < 400 && emulator.Cuts.Take(path) is not null)
        {
            await CutAsync(context, result);
            return;
        }
        if (isWrite && result.Status < 400 && emulator.Holds.Matches(path))
        {
            try
            {
                await emulator.Holds.HoldAsync(context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        await WriteAsync(context, result, replayed: false);
    }

    /// <summary>A 200 whose body stops half way and whose connection is dropped, as a proxy or network failure leaves it.</summary>
    private static async Task CutAsync(HttpContext context, ApiResult result)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(result.Body.ToJsonString());
        context.Response.StatusCode = result.Status;
        context.Response.ContentType = "application/json";
        try
        {
            await context.Response.Body.WriteAsync(body.AsMemory(0, body.Length / 2), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
        context.Abort();
    }

    private static async Task WriteAsync(HttpContext context, ApiResult result, bool replayed)
    {
        var response = context.Response;
        response.StatusCode = result.Status;
        response.ContentType = "application/json";
        response.Headers["Request-Id"] = StripeJson.NewId("req_", 14);
        response.Headers["Stripe-Version"] = Stripe.StripeConfiguration.ApiVersion;
        var key = context.Request.Headers["Idempotency-Key"].ToString();
        if (key.Length > 0)
        {
            response.Headers["Idempotency-Key"] = key;
        }
        if (replayed)
        {
            response.Headers["Idempotent-Replayed"] = "true";
        }
        try
        {
            await response.WriteAsync(result.Body.ToJsonString(), context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<FormParams> ReadParamsAsync(HttpRequest request, bool isWrite, CancellationToken aborted)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            values[key] = value.ToString();
        }
        if (isWrite && request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(aborted);
            foreach (var (key, value) in form)
            {
                values[key] = value.ToString();
            }
        }
        return new FormParams(values);
    }

    private static string? ApiKeyOf(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            // Stripe also takes the key as the Basic-auth user name.
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                return decoded.Split(':')[0];
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }

    private static string Redact(string key) => key.Length <= 8 ? "***" : $"{key[..8]}{new string('*', 12)}{key[^4..]}";
}
