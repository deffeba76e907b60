using System.Text;
using System.Text.Json;

namespace LabelPlatform.Webhooks;

/// <summary>The body every webhook carries: <c>{"id":"evt_…","type":"job.completed","created_at":"…","organisation_id":"…","data":{…}}</c>.</summary>
public static class WebhookPayload
{
    public static string EventId(Guid id) => "evt_" + id.ToString("N");

    public static string Envelope(Guid eventId, string type, DateTimeOffset createdAt, Guid organisationId, string dataJson)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", EventId(eventId));
            json.WriteString("type", type);
            json.WriteString("created_at", createdAt.ToUniversalTime());
            json.WriteString("organisation_id", organisationId);
            json.WritePropertyName("data");
            json.WriteRawValue(dataJson);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
