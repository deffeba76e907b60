namespace LabelPlatform.Jobs;

/// <summary>One thing to label: an image stored under <see cref="StorageKey"/>, or a text kept in <see cref="Text"/>.</summary>
public sealed class Item
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    /// <summary>Position in upload order; workers get items in this order.</summary>
    public int Ordinal { get; set; }

    /// <summary>The path the researcher gave the file (inside the zip).</summary>
    public string SourceName { get; set; } = "";

    public string StorageKey { get; set; } = "";

    public string ContentType { get; set; } = "";

    public long ByteSize { get; set; }

    public int Width { get; set; }

    public int Height { get; set; }

    public string Sha256 { get; set; } = "";

    /// <summary>
    /// Answers still to hand out: starts at the job's answers per item; a lease takes one, an
    /// expired lease or a skip gives it back. Claims take the lowest first, so items that are under
    /// way finish before new ones start.
    /// </summary>
    public int RemainingSlots { get; set; }

    /// <summary>Text jobs: the text to label (at most <see cref="JobRules.MaxTextLength"/> characters).</summary>
    public string? Text { get; set; }

    /// <summary>A model's answer for this item (<see cref="Labelling.Answer"/> JSON), shown to workers as suggestions.</summary>
    public string? PreAnnotation { get; set; }

    /// <summary>The model's label, when a pre-filter run found it sure enough that no person needs to label the item.</summary>
    public string? MachineLabel { get; set; }

    public float? MachineConfidence { get; set; }

    /// <summary>Machine-labelled, but drawn for the audit sample: people label it too, to measure the machine.</summary>
    public bool MachineAudit { get; set; }

    /// <summary>The pre-filter run that last saw this item (a retried run skips what it has seen).</summary>
    public Guid? PrefilterRunId { get; set; }

    /// <summary>Gold items: the known answer (<see cref="Labelling.Answer"/> JSON) workers are checked against. Never sent to workers.</summary>
    public string? GoldAnswer { get; set; }

    /// <summary>Why the gold answer is right, shown (later, without the item) to a worker who missed it when the job gives feedback.</summary>
    public string? GoldExplanation { get; set; }

    /// <summary>Gold items: how many workers it has been handed to. At the job's <see cref="Quality.Gold.QualityPolicy.GoldRetireAfter"/> it is retired: shared answers to it stop paying off.</summary>
    public int GoldShown { get; set; }

    public bool IsGold => GoldAnswer is not null;

    /// <summary>The crowd's final answer (<see cref="Labelling.Answer"/> JSON), recomputed in the background as answers land.</summary>
    public string? FinalAnswer { get; set; }

    /// <summary>One-label jobs: the final label, or null (no answers yet, or a tie under majority vote).</summary>
    public string? FinalLabel { get; set; }

    /// <summary>The posterior probability of the final answer, 0–1 (one-label jobs; for others, see <see cref="Quality.FinalLabels.FinalAnswers"/>).</summary>
    public float? FinalConfidence { get; set; }

    /// <summary>Who the final answer comes from: <see cref="Quality.FinalLabels.FinalSource"/>.</summary>
    public string? FinalSource { get; set; }

    /// <summary>Whether the final answer is as sure as the job asks (settled), out of answers below it (undecided, for a reviewer), or neither yet (null).</summary>
    public string? FinalState { get; set; }

    /// <summary>When the final answer, its source or its state last changed: exports pick items labelled in a date range by it.</summary>
    public DateTimeOffset? FinalAt { get; set; }

    /// <summary>An undecided item's label as a reviewer decided it (one-label jobs).</summary>
    public string? DecidedLabel { get; set; }

    public string? DecidedBy { get; set; }

    public DateTimeOffset? DecidedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
