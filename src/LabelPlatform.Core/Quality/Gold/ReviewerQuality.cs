namespace LabelPlatform.Quality.Gold;

/// <summary>
/// A reviewer's record on audits: gold items' answers (whose rightness is known) mixed into their
/// batches. Approving a wrong answer or rejecting a right one counts against them.
/// </summary>
public sealed class ReviewerQuality
{
    public string ReviewerId { get; set; } = "";

    public int Audited { get; set; }

    public int Correct { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public double Accuracy => QualityPolicy.Accuracy(Audited, Correct);

    /// <summary>Gold answers mixed into a batch: one for every this many real submissions (at least one when any is there).</summary>
    public const int AuditEvery = 10;
}
