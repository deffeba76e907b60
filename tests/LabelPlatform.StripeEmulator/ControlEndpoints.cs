using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace LabelPlatform.StripeEmulator;

/// <summary>The unauthenticated /_emulator control API and the hosted onboarding and checkout pages.</summary>
internal static class ControlEndpoints
{
    public static void Map(WebApplication app, StripeEmulator e)
    {
        var c = app.MapGroup("/_emulator");
        c.MapGet("/stats", () => Json(() => new JsonObject
        {
            ["requests"] = e.Stats.Requests,
            ["writes"] = e.Stats.Writes,
            ["http429"] = e.Stats.Http429,
            ["transfersCreated"] = e.Stats.TransfersCreated,
            ["replays"] = e.Stats.Replays,
        }));
        c.MapGet("/transfers", () => Json(() => new JsonArray(e.Transfers.Select(t =>
        {
            var json = e.State.Read(t.ToJson);
            json["idempotency_key"] = t.IdempotencyKey;
            return (JsonNode)json;
        }).ToArray())));
        c.MapGet("/accounts", () => Json(() => new JsonArray(e.Accounts.Select(a => (JsonNode)e.State.Read(a.ToJson)).ToArray())));
        c.MapGet("/events", () => Json(() => new JsonArray(e.Events.Select(ev => (JsonNode)new JsonObject
        {
            ["id"] = ev.Id,
            ["type"] = ev.Type,
            ["account"] = ev.Account,
            ["delivery_status"] = ev.DeliveryStatus,
            ["attempts"] = new JsonArray(ev.Attempts.Select(a => (JsonNode)new JsonObject
            {
                ["at"] = a.At.ToUnixTimeMilliseconds(),
                ["status"] = a.StatusCode,
                ["error"] = a.Error,
            }).ToArray()),
            ["event"] = JsonNode.Parse(ev.Json),
        }).ToArray())));
        c.MapGet("/held", () => Json(() => new JsonObject { ["count"] = e.HeldCount }));
        c.MapPost("/fail", async (HttpRequest r) => await WithBody(r, b =>
        {
            e.FailNext(Str(b, "path") ?? "/v1/", (int?)Num(b, "count") ?? 1, (int?)Num(b, "status") ?? 500,
                Str(b, "type") ?? "api_error", Str(b, "code"), Str(b, "message") ?? "An unknown error occurred");
            return Ok();
        }));
        c.MapPost("/hold", async (HttpRequest r) => await WithBody(r, b =>
        {
            e.HoldAfterCommit(Str(b, "path") ?? "/v1/");
            return Ok();
        }));
        c.MapPost("/release", () => Json(() => { e.ReleaseHeld(); return Ok(); }));
        c.MapPost("/config", async (HttpRequest r) => await WithBody(r, b =>
        {
            if (b.ContainsKey("latencyMs"))
            {
                e.Latency = TimeSpan.FromMilliseconds(Num(b, "latencyMs") ?? 0);
            }
            if (b.ContainsKey("requestsPerSecond"))
            {
                e.RequestsPerSecond = (int?)Num(b, "requestsPerSecond") is > 0 and var g ? g : null;
            }
            if (b.ContainsKey("endpointRequestsPerSecond"))
            {
                e.EndpointRequestsPerSecond = (int?)Num(b, "endpointRequestsPerSecond") is > 0 and var w ? w : null;
            }
            return Ok();
        }));
        c.MapPost("/webhook", async (HttpRequest r) => await WithBody(r, b =>
        {
            e.SetWebhook(Str(b, "url") is { } url ? new Uri(url) : null, Str(b, "secret") ?? e.Webhooks.Secret);
            return Ok();
        }));
        c.MapPost("/connect_webhook", async (HttpRequest r) => await WithBody(r, b =>
        {
            e.SetConnectWebhook(Str(b, "url") is { } url ? new Uri(url) : null, Str(b, "secret") ?? e.Webhooks.ConnectSecret);
            return Ok();
        }));
        c.MapPost("/cut", async (HttpRequest r) => await WithBody(r, b =>
        {
            e.CutNext(Str(b, "path") ?? "/v1/", (int?)Num(b, "count") ?? 1);
            return Ok();
        }));
        c.MapPost("/time", async (HttpRequest r) => await WithBody(r, b =>
        {
            e.AdvanceTime(TimeSpan.FromSeconds(Num(b, "advanceSeconds") ?? 0));
            return new JsonObject { ["now"] = e.Clock.UnixNow };
        }));
        c.MapPost("/pending_funds", async (HttpRequest r) => await WithBody(r, b =>
        {
            e.AddPendingFunds(Str(b, "currency") ?? "usd", Num(b, "amount") ?? throw ApiError.Missing("amount"), TimeSpan.FromSeconds(Num(b, "availableAfterSeconds") ?? 0));
            return Ok();
        }));
        c.MapPost("/accounts/{id}/complete_onboarding", (string id) => Json(() => { e.CompleteOnboarding(id); return Ok(); }));
        c.MapPost("/checkout/{id}/complete", (string id) => Json(() => { e.CompleteCheckout(id); return Ok(); }));
        c.MapPost("/transfers/{id}/reverse", async (string id, HttpRequest r) => await WithBody(r, b =>
            e.ReverseTransfer(id, Num(b, "amount")).ToJson()));
        c.MapPost("/events", async (HttpRequest r) => await WithBody(r, b =>
        {
            var type = Str(b, "type") ?? throw ApiError.Missing("type");
            var obj = b["object"] as JsonObject ?? throw ApiError.Missing("object");
            var evt = b["deliver"]?.GetValue<bool>() == false
                ? e.CreateEvent(type, (JsonObject)obj.DeepClone(), Str(b, "account"))
                : e.SendEvent(type, (JsonObject)obj.DeepClone(), Str(b, "account"));
            return new JsonObject { ["id"] = evt.Id };
        }));
        c.MapPost("/events/{id}/deliver", async (string id) =>
        {
            try
            {
                return Results.Text(new JsonObject { ["status"] = await e.DeliverAsync(id) }.ToJsonString(), "application/json");
            }
            catch (ApiError error)
            {
                return Error(error);
            }
        });
        c.MapPost("/reset", () => Json(() => { e.Reset(); return Ok(); }));

        app.MapGet("/connect/onboarding/{id}", (string id, HttpRequest r) => Page(() =>
        {
            var account = e.State.GetAccount(id);
            return $"<h1>Stripe test onboarding</h1><p>Account {Enc(account.Id)} ({Enc(account.Email ?? "")})</p>"
                + $"<form method=\"post\" action=\"{Enc(r.Path + r.QueryString)}\"><button id=\"complete\" type=\"submit\">Complete onboarding</button></form>";
        }));
        app.MapPost("/connect/onboarding/{id}", (string id, HttpRequest r) => Redirect(() =>
        {
            e.CompleteOnboarding(id);
            return r.Query["return_url"].ToString() is { Length: > 0 } back ? back : null;
        }, "Onboarding complete"));
        app.MapGet("/checkout/pay/{id}", (string id) => Page(() =>
        {
            var s = e.State.GetSession(id);
            var amount = (s.AmountTotal / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            var items = string.Concat(s.LineItems.Select(l => $"<li>{Enc(l.Name)} &times; {l.Quantity}</li>"));
            var cancel = s.CancelUrl is null ? "" : $"<a id=\"cancel\" href=\"{Enc(s.CancelUrl)}\">Cancel</a>";
            return $"<h1>Stripe test checkout</h1><ul>{items}</ul><p id=\"amount\">{amount} {s.Currency.ToUpperInvariant()}</p>"
                + $"<p>Status: {s.Status}</p><form method=\"post\"><button id=\"pay\" type=\"submit\">Pay</button></form>{cancel}";
        }));
        app.MapPost("/checkout/pay/{id}", (string id) => Redirect(() =>
        {
            e.CompleteCheckout(id);
            return e.State.GetSession(id).SuccessUrl.Replace("{CHECKOUT_SESSION_ID}", id, StringComparison.Ordinal);
        }, "Payment complete"));
    }

    private static JsonObject Ok() => new() { ["ok"] = true };

    private static string? Str(JsonObject b, string key) => b[key]?.GetValue<string>();

    private static long? Num(JsonObject b, string key) => b[key] is JsonValue v && v.TryGetValue<long>(out var n) ? n : null;

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private static IResult Error(ApiError error) =>
        Results.Text(error.ToResult().Body.ToJsonString(), "application/json", statusCode: error.Status);

    private static IResult Json(Func<JsonNode> build)
    {
        try
        {
            return Results.Text(build().ToJsonString(), "application/json");
        }
        catch (ApiError error)
        {
            return Error(error);
        }
    }

    private static async Task<IResult> WithBody(HttpRequest request, Func<JsonObject, JsonNode> build)
    {
        var body = request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0
            ? await JsonNode.ParseAsync(request.Body) as JsonObject
            : null;
        return Json(() => build(body ?? []));
    }

    private static IResult Page(Func<string> body)
    {
        try
        {
            return Results.Content($"<!doctype html><html><head><title>Stripe emulator</title></head><body>{body()}</body></html>", "text/html");
        }
        catch (ApiError error)
        {
            return Results.Content($"<!doctype html><html><body><h1>{Enc(error.Message)}</h1></body></html>", "text/html", statusCode: 404);
        }
    }

    private static IResult Redirect(Func<string?> complete, string done)
    {
        try
        {
            return complete() is { } target
                ? new SeeOther(target)
                : Page(() => $"<h1>{done}</h1>");
        }
        catch (ApiError error)
        {
            return Error(error);
        }
    }

    /// <summary>Stripe answers the hosted pages' form posts with 303, so browsers follow with a GET.</summary>
    private sealed class SeeOther(string location) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        }
    }
}
