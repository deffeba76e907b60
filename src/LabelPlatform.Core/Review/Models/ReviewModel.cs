using System.Text.Json;
using System.Text.Json.Serialization;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;

namespace LabelPlatform.Review.Models;

/// <summary>
/// One version of a job's review model: the ONNX file (in the item store) and its descriptor.
/// Versions count up per job; the newest is the one in use, and every verdict names the version that made it.
/// </summary>
public sealed class ReviewModel
{
    public const long MaxFileBytes = 512L * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public int Version { get; set; }

    public string FileName { get; set; } = "";

    public string StorageKey { get; set; } = "";

    public string Sha256 { get; set; } = "";

    public long ByteSize { get; set; }

    public string DescriptorJson { get; set; } = "{}";

    public string CreatedByUserId { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }

    private (string Json, ModelDescriptor Descriptor)? _parsed;

    /// <summary>The descriptor, read from <see cref="DescriptorJson"/> once per value of it.</summary>
    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public ModelDescriptor Descriptor
    {
        get
        {
            if (_parsed is not { } parsed || !ReferenceEquals(parsed.Json, DescriptorJson))
            {
                parsed = (DescriptorJson, JsonSerializer.Deserialize<ModelDescriptor>(DescriptorJson, Json)!);
                _parsed = parsed;
            }

            return parsed.Descriptor;
        }

        set => DescriptorJson = ToJson(value);
    }

    /// <summary>
    /// Whether a model of <paramref name="kind"/> can judge a <paramref name="jobKind"/> job's answers:
    /// classification models one-label image jobs, detection models box jobs.
    /// </summary>
    public static bool CanJudge(ModelKind kind, TaskKind jobKind) =>
        (kind, jobKind) is (ModelKind.Classification, TaskKind.ImageClassification) or (ModelKind.Detection, TaskKind.BoundingBoxes);

    public static string ToJson(ModelDescriptor descriptor) => JsonSerializer.Serialize(descriptor, Json);

    public static ModelDescriptor? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ModelDescriptor>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
