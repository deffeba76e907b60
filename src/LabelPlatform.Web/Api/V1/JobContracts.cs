using System.ComponentModel;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Gold;

namespace LabelPlatform.Web.Api.V1;

/// <summary>A job as the form defines it. Money is in minor units of the currency (cents).</summary>
public sealed record JobRequest(
    [property: Description("Shown to workers and on your dashboard; up to 200 characters.")] string Name,
    [property: Description("Markdown shown to workers (no raw HTML); up to 20,000 characters.")] string? Instructions,
    [property: Description("What workers do with each item.")] TaskKind Kind,
    [property: Description("The labels (classes) workers choose from; 2 to 50 (1 for box jobs).")] IReadOnlyList<string> Labels,
    [property: Description("Answers each item gets, 1 to 25 (with dynamic overlap, the answers it starts with).")] int AnswersPerItem,
    [property: Description("Paid per answer, in minor units of the currency: 5 is $0.05.")] long PricePerAnswer,
    [property: Description("USD, EUR, GBP or JPY.")] string Currency = "USD",
    [property: Description("-100 to 100; higher jobs reach workers first.")] int Priority = 0,
    [property: Description("Minutes a worker holds an item before it returns to the queue.")] int LeaseMinutes = JobRules.DefaultLeaseMinutes,
    [property: Description("Box jobs: the smallest box side in image pixels.")] int MinBoxSize = JobRules.DefaultMinBoxSize,
    [property: Description("Box jobs: the most boxes one answer may hold.")] int MaxBoxes = JobRules.DefaultMaxBoxes,
    [property: Description("Show items' pre-annotations to workers as editable suggestions.")] bool ShowSuggestions = false,
    [property: Description("Gold, blocking, aggregation and dynamic overlap; omitted: the platform's default.")] QualityPolicy? Quality = null) : IApiRequest
{
    public JobDraft ToDraft() => new(
        Name ?? "", Instructions ?? "", Labels ?? [], AnswersPerItem, PricePerAnswer, Currency ?? "", Priority, LeaseMinutes, Kind, MinBoxSize, MaxBoxes, ShowSuggestions, Quality);

    public static readonly JobRequest Example = new(
        "Street signs", "Pick the sign's **shape**.", TaskKind.ImageClassification, ["round", "triangle", "octagon"], 3, 5);
}

public sealed record JobResponse(
    Guid Id, string Name, string Instructions, TaskKind Kind, IReadOnlyList<string> Labels, int AnswersPerItem,
    long PricePerAnswer, long FeePerAnswer, string Currency, int Priority, int LeaseMinutes, int MinBoxSize, int MaxBoxes,
    bool ShowSuggestions, QualityPolicy Quality, JobStatus Status, DateTimeOffset CreatedAt, DateTimeOffset? LaunchedAt, DateTimeOffset? CompletedAt)
{
    public static JobResponse From(Job j) => new(
        j.Id, j.Name, j.Instructions, j.Kind, j.Labels, j.AnswersPerItem, j.PricePerAnswer, j.FeePerAnswer, j.Currency, j.Priority,
        j.LeaseMinutes, j.MinBoxSize, j.MaxBoxes, j.ShowSuggestions, j.QualityPolicy, j.Status, j.CreatedAt, j.LaunchedAt, j.CompletedAt);
}

/// <summary>A page of a list; pass <c>next</c> back as <c>after</c> for the following page (null: no more).</summary>
public sealed record Page<T>(IReadOnlyList<T> Data, string? Next);

public sealed record JobProgress(
    Guid JobId, JobStatus Status, int Items, int ItemsDone, int ItemsInProgress, int ItemsNotStarted, int Answers, int AnswersNeeded,
    double PercentDone, int ActiveLeases, ReviewProgress Review, double? Agreement, JobCost Cost);

public sealed record ReviewProgress(int Pending, int Accepted, int NeedsReview, int Rejected, int Approved, int Disputed);

/// <summary>Money in minor units of <c>Currency</c>: held in escrow for the job, paid to workers, our fees, returned.</summary>
public sealed record JobCost(string Currency, long Escrowed, long Spent, long Fees, long Refunded);

public sealed record BalanceResponse(IReadOnlyList<CurrencyBalance> Balances);

/// <summary>Minor units: what the organisation can still commit, what it paid in, holds for jobs, spent, paid in fees, got back.</summary>
public sealed record CurrencyBalance(string Currency, long Available, long Funded, long Escrowed, long Spent, long Fees, long Refunded);

public sealed record UploadResponse(int ItemsAdded, string Summary, IReadOnlyList<UploadedFile> Files);

public sealed record UploadedFile(string Path, string Outcome, string? Reason, long Bytes, int Width, int Height);
