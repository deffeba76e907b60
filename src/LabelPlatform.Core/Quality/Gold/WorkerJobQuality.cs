namespace LabelPlatform.Quality.Gold;

/// <summary>
/// A worker's record in a job with gold: their answers, their accuracy estimate, and whether the
/// job has blocked them. Every answer in such a job moves it (not only gold answers), so storing an
/// answer costs the same whether or not it was a check.
/// </summary>
public sealed class WorkerJobQuality
{
    public string WorkerId { get; set; } = "";

    public Guid JobId { get; set; }

    /// <summary>Every answer the worker gave in the job since it had gold.</summary>
    public int Answers { get; set; }

    public int GoldAnswers { get; set; }

    public int GoldCorrect { get; set; }

    public DateTimeOffset? BlockedAt { get; set; }

    public string? BlockReason { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public double Accuracy => QualityPolicy.Accuracy(GoldAnswers, GoldCorrect);
}
