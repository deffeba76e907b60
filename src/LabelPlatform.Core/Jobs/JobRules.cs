namespace LabelPlatform.Jobs;

/// <summary>The rules a job definition must meet, shared by the job form and the API.</summary>
public static class JobRules
{
    public const int MinLabels = 2;
    public const int MaxLabels = 50;
    public const int MaxLabelLength = 100;
    public const int MaxNameLength = 200;
    public const int MaxInstructionsLength = 20_000;
    public const int MaxAnswersPerItem = 25;
    public const long MaxPricePerAnswer = 100_00;
    public const int DefaultLeaseMinutes = 10;
    public const int MaxLeaseMinutes = 24 * 60;
    public const int DefaultMinBoxSize = 4;
    public const int DefaultMaxBoxes = 500;
    public const int MaxRejectionReasons = 9;
    public const int MaxRejectionReasonLength = 120;

    /// <summary>A new job's rejection reasons; the researcher edits them on the job's dashboard.</summary>
    public static readonly IReadOnlyList<string> DefaultRejectionReasons = ["Wrong label", "Box missing or misplaced", "Did not follow the instructions"];
    public const int MaxBoxesLimit = 2_000;
    public const int MaxTextLength = 10_000;

    public static readonly IReadOnlyList<string> Currencies = ["USD", "EUR", "GBP", "JPY"];

    /// <summary>Splits the label text a researcher typed (one per line or comma separated) into trimmed labels.</summary>
    public static List<string> ParseLabels(string text) =>
        text.Split(['\n', ',', '\r'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    public static IReadOnlyList<FieldError> Validate(JobDraft draft)
    {
        var errors = new List<FieldError>();
        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0)
        {
            errors.Add(new(nameof(JobDraft.Name), "Name is required."));
        }
        else if (name.Length > MaxNameLength)
        {
            errors.Add(new(nameof(JobDraft.Name), $"Name must be at most {MaxNameLength} characters."));
        }

        if ((draft.Instructions?.Length ?? 0) > MaxInstructionsLength)
        {
            errors.Add(new(nameof(JobDraft.Instructions), $"Instructions must be at most {MaxInstructionsLength} characters."));
        }

        ValidateLabels(draft.Labels ?? [], draft.Kind.MinLabels(), errors);

        if (!Enum.IsDefined(draft.Kind))
        {
            errors.Add(new(nameof(JobDraft.Kind), "Choose what workers do with each item."));
        }

        if (draft.Kind.DrawsBoxes())
        {
            if (draft.MinBoxSize is < 1 or > 1_000)
            {
                errors.Add(new(nameof(JobDraft.MinBoxSize), "The smallest box must be between 1 and 1,000 pixels."));
            }

            if (draft.MaxBoxes is < 1 or > MaxBoxesLimit)
            {
                errors.Add(new(nameof(JobDraft.MaxBoxes), $"Boxes per image must be between 1 and {MaxBoxesLimit:N0}."));
            }
        }

        if (draft.AnswersPerItem is < 1 or > MaxAnswersPerItem)
        {
            errors.Add(new(nameof(JobDraft.AnswersPerItem), $"Answers per item must be between 1 and {MaxAnswersPerItem}."));
        }

        if (draft.PricePerAnswer < 1)
        {
            errors.Add(new(nameof(JobDraft.PricePerAnswer), "Price per answer must be at least 0.01."));
        }
        else if (draft.PricePerAnswer > MaxPricePerAnswer)
        {
            errors.Add(new(nameof(JobDraft.PricePerAnswer), $"Price per answer must be at most {MoneyFormat.Format(MaxPricePerAnswer, draft.Currency)}."));
        }

        if (draft.LeaseMinutes is < 1 or > MaxLeaseMinutes)
        {
            errors.Add(new(nameof(JobDraft.LeaseMinutes), $"The lease must be between 1 and {MaxLeaseMinutes} minutes."));
        }

        if (draft.Priority is < -100 or > 100)
        {
            errors.Add(new(nameof(JobDraft.Priority), "Priority must be between -100 and 100."));
        }

        if (!Currencies.Contains(draft.Currency))
        {
            errors.Add(new(nameof(JobDraft.Currency), $"Currency must be one of {string.Join(", ", Currencies)}."));
        }

        return errors;
    }

    private static void ValidateLabels(IReadOnlyList<string> labels, int minLabels, List<FieldError> errors)
    {
        const string field = nameof(JobDraft.Labels);
        if (labels.Count < minLabels || labels.Count > MaxLabels)
        {
            errors.Add(new(field, $"This kind of job needs between {minLabels} and {MaxLabels} labels; this one has {labels.Count}."));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var label in labels)
        {
            if (string.IsNullOrWhiteSpace(label))
            {
                errors.Add(new(field, "Labels cannot be blank."));
            }
            else if (label != label.Trim())
            {
                errors.Add(new(field, $"Label \"{label}\" has spaces at its start or end."));
            }
            else if (label.Length > MaxLabelLength)
            {
                errors.Add(new(field, $"Label \"{label[..20]}…\" is longer than {MaxLabelLength} characters."));
            }
            else if (label.Any(char.IsControl))
            {
                errors.Add(new(field, "Labels cannot contain control characters."));
            }
            else if (!seen.Add(label))
            {
                errors.Add(new(field, $"Label \"{label}\" appears more than once."));
            }
        }
    }
}
