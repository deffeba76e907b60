using System.Text.Json;
using System.Text.Json.Serialization;

namespace LabelPlatform.Labelling;

/// <summary>
/// A box in the image's own pixels (origin top left), with one of the job's labels as its class.
/// <see cref="Suggested"/> marks a box that came from a model and was left as it was.
/// </summary>
public sealed record BoundingBox(string Label, double X, double Y, double W, double H, bool Suggested = false);

/// <summary>
/// What a worker submits for an item: the labels they chose (classification kinds) or their
/// boxes (box jobs). Stored as JSON; two answers are the same when their JSON is.
/// </summary>
public sealed record Answer
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
    };

    [JsonConstructor]
    public Answer(IReadOnlyList<string>? labels, IReadOnlyList<BoundingBox>? boxes)
    {
        Labels = labels ?? [];
        Boxes = boxes ?? [];
    }

    public IReadOnlyList<string> Labels { get; }

    public IReadOnlyList<BoundingBox> Boxes { get; }

    public static Answer OneLabel(string label) => new([label], null);

    public static Answer ManyLabels(IEnumerable<string> labels) => new(labels.ToList(), null);

    public static Answer WithBoxes(IEnumerable<BoundingBox> boxes) => new(null, boxes.ToList());

    /// <summary>The label of a one-label answer (what majority votes and the CSV's label column use).</summary>
    [JsonIgnore]
    public string? SingleLabel => Labels.Count == 1 && Boxes.Count == 0 ? Labels[0] : null;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads an answer sent by a browser or stored earlier; null when it is not an answer's JSON.</summary>
    public static Answer? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<Answer>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool SameAs(Answer? other) => other is not null && ToJson() == other.ToJson();
}
