using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace LabelPlatform.StripeEmulator;

internal static class StripeJson
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    public static string NewId(string prefix, int length = 24) =>
        prefix + RandomNumberGenerator.GetString(Alphabet, length);

    public static JsonObject Map(IReadOnlyDictionary<string, string> values)
    {
        var result = new JsonObject();
        foreach (var (key, value) in values)
        {
            result[key] = value;
        }
        return result;
    }

    public static JsonObject List(IEnumerable<JsonNode> data, bool hasMore, string url, int? totalCount = null)
    {
        var list = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(data.ToArray()),
            ["has_more"] = hasMore,
            ["url"] = url,
        };
        if (totalCount is not null)
        {
            list["total_count"] = totalCount;
        }
        return list;
    }
}
