namespace LabelPlatform.Web.Components.Shared;

public sealed record FetchResult(int Status, string? Body)
{
    public bool Ok => Status is >= 200 and < 300;

    /// <summary>The "detail" of a problem-details body, for showing to the user.</summary>
    public string Detail()
    {
        if (Body is null)
        {
            return $"The server answered {Status}.";
        }

        using var doc = System.Text.Json.JsonDocument.Parse(Body);
        return doc.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString() ?? "" : $"The server answered {Status}.";
    }

    /// <summary>The "message" of a plain answer.</summary>
    public string? Message()
    {
        if (Body is null)
        {
            return null;
        }

        using var doc = System.Text.Json.JsonDocument.Parse(Body);
        return doc.RootElement.TryGetProperty("message", out var m) ? m.GetString() : null;
    }

    public string? Redirect()
    {
        if (Body is null)
        {
            return null;
        }

        using var doc = System.Text.Json.JsonDocument.Parse(Body);
        return doc.RootElement.TryGetProperty("redirect", out var r) ? r.GetString() : null;
    }
}
