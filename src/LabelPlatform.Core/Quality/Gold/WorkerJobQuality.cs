namespace LabelPlatform.Quality.Gold;

/// <summary>A worker's gold record in one job: their accuracy estimate, and whether the job has blocked them.</summary>
public sealed class WorkerJobQuality
{
    public string WorkerId { get; set; } = "";

    public Guid JobId { get; set; }

    public int GoldAnswers { get; set; }

    public int GoldCorrect { get; set; }

    public DateTimeOffset? BlockedAt { get; set; }

    public string? BlockReason { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public double Accuracy => QualityPolicy.Accuracy(GoldAnswers, GoldCorrect);
}
