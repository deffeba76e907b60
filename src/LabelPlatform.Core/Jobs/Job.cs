using LabelPlatform.Common;
using LabelPlatform.Labelling;

namespace LabelPlatform.Jobs;

public sealed class Job
{
    public Guid Id { get; set; }

    public Guid OrganisationId { get; set; }

    public string CreatedByUserId { get; set; } = "";

    public string Name { get; set; } = "";

    /// <summary>Markdown shown to workers; rendered without raw HTML.</summary>
    public string Instructions { get; set; } = "";

    public TaskKind Kind { get; set; }

    public List<string> Labels { get; set; } = [];

    public int AnswersPerItem { get; set; }

    /// <summary>Price of one answer in minor units of <see cref="Currency"/>.</summary>
    public long PricePerAnswer { get; set; }

    public string Currency { get; set; } = "USD";

    /// <summary>The platform's fee on each answer in minor units, fixed when the job is launched (see <see cref="Billing.Pricing"/>).</summary>
    public long FeePerAnswer { get; set; }

    public JobStatus Status { get; set; }

    /// <summary>Higher first; jobs of equal priority share the crowd evenly, whatever their size.</summary>
    public int Priority { get; set; }

    /// <summary>How long a worker holds an item before it returns to the queue; the workspace heartbeat extends it.</summary>
    public int LeaseMinutes { get; set; } = JobRules.DefaultLeaseMinutes;

    /// <summary>Box jobs: the smallest box side, in image pixels, that an answer may contain.</summary>
    public int MinBoxSize { get; set; } = JobRules.DefaultMinBoxSize;

    /// <summary>Box jobs: the most boxes one answer may hold.</summary>
    public int MaxBoxes { get; set; } = JobRules.DefaultMaxBoxes;

    /// <summary>Whether workers see an item's pre-annotation (a model's labels or boxes) as editable suggestions.</summary>
    public bool ShowSuggestions { get; set; }

    /// <summary>How the review model's opinion becomes a verdict (see <see cref="LabelPlatform.Jobs.ReviewPolicy"/>).</summary>
    public LabelPlatform.Jobs.ReviewPolicy ReviewPolicy { get; set; } = LabelPlatform.Jobs.ReviewPolicy.Default;

    /// <summary>How gold items check this job's workers (see <see cref="Quality.Gold.QualityPolicy"/>).</summary>
    public Quality.Gold.QualityPolicy QualityPolicy { get; set; } = Quality.Gold.QualityPolicy.Default;

    /// <summary>Krippendorff's alpha over the answers so far (one-label jobs), as of <see cref="FinalLabelsAt"/>.</summary>
    public double? Agreement { get; set; }

    /// <summary>When the final labels were last recomputed.</summary>
    public DateTimeOffset? FinalLabelsAt { get; set; }

    /// <summary>The model's calibration on this job's answers (<see cref="Quality.FinalLabels.JobCalibration"/> JSON), refitted with the final labels.</summary>
    public string? ModelCalibration { get; set; }

    /// <summary>The reasons a reviewer picks from when rejecting an answer of this job (free text is allowed too).</summary>
    public List<string> RejectionReasons { get; set; } = [.. JobRules.DefaultRejectionReasons];

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LaunchedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public bool AcceptsItems => Status is JobStatus.Draft or JobStatus.Ready or JobStatus.Running or JobStatus.Paused;

    public void ItemsAdded()
    {
        if (Status == JobStatus.Draft)
        {
            Status = JobStatus.Ready;
        }
    }

    public Error? Launch(DateTimeOffset now)
    {
        switch (Status)
        {
            case JobStatus.Draft:
                return Error.Conflict("Upload at least one item before launching the job.");
            case JobStatus.Ready:
                Status = JobStatus.Running;
                LaunchedAt = now;
                return null;
            default:
                return Error.Conflict($"A {Status.ToString().ToLowerInvariant()} job cannot be launched.");
        }
    }

    public Error? Pause()
    {
        if (Status != JobStatus.Running)
        {
            return Error.Conflict($"Only a running job can be paused; this one is {Status.ToString().ToLowerInvariant()}.");
        }

        Status = JobStatus.Paused;
        return null;
    }

    public Error? Resume()
    {
        if (Status != JobStatus.Paused)
        {
            return Error.Conflict($"Only a paused job can be resumed; this one is {Status.ToString().ToLowerInvariant()}.");
        }

        Status = JobStatus.Running;
        return null;
    }

    /// <summary>Stops the job for good: no more claims; answers already given stay in the results.</summary>
    public Error? Cancel(DateTimeOffset now)
    {
        if (Status is JobStatus.Completed or JobStatus.Cancelled)
        {
            return Error.Conflict($"A {Status.ToString().ToLowerInvariant()} job cannot be cancelled.");
        }

        Status = JobStatus.Cancelled;
        CompletedAt = now;
        return null;
    }

    // A job completes when its last slot closes, set-based in the transaction that closes it: Lifecycle/JobCompletion.
}
