using System.Text.Json.Nodes;

namespace LabelPlatform.StripeEmulator;

/// <summary>A Stripe error response; thrown by handlers and turned into the wire form by the pipeline.</summary>
public sealed class ApiError(int status, string type, string? code, string message, string? param = null) : Exception(message)
{
    public int Status { get; } = status;
    public string Type { get; } = type;
    public string? Code { get; } = code;
    public string? Param { get; } = param;

    public ApiResult ToResult()
    {
        var error = new JsonObject { ["type"] = Type, ["message"] = Message };
        if (Code is not null)
        {
            error["code"] = Code;
        }
        if (Param is not null)
        {
            error["param"] = Param;
        }
        return new ApiResult(Status, new JsonObject { ["error"] = error });
    }

    public static ApiError Invalid(string code, string message, string? param = null, int status = 400) =>
        new(status, "invalid_request_error", code, message, param);

    public static ApiError Missing(string param) =>
        Invalid("parameter_missing", $"Missing required param: {param}.", param);

    public static ApiError NoSuch(string kind, string id, string param = "id", int status = 404) =>
        Invalid("resource_missing", $"No such {kind}: '{id}'", param, status);
}

public sealed record ApiResult(int Status, JsonNode Body);
