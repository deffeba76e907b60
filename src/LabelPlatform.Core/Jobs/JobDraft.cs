using LabelPlatform.Labelling;
namespace LabelPlatform.Jobs;

/// <summary>What a researcher fills in to create a job. Prices are in minor units. <paramref name="Quality"/>: null gives a new job's defaults (<see cref="Quality.Gold.QualityPolicy.Default"/>).</summary>
public sealed record JobDraft(
    string Name,
    string Instructions,
    IReadOnlyList<string> Labels,
    int AnswersPerItem,
    long PricePerAnswer,
    string Currency = "USD",
    int Priority = 0,
    int LeaseMinutes = JobRules.DefaultLeaseMinutes,
    TaskKind Kind = TaskKind.ImageClassification,
    int MinBoxSize = JobRules.DefaultMinBoxSize,
    int MaxBoxes = JobRules.DefaultMaxBoxes,
    bool ShowSuggestions = false,
    Quality.Gold.QualityPolicy? Quality = null);

public sealed record FieldError(string Field, string Message);
