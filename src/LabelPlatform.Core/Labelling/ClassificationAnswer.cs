using LabelPlatform.Common;

namespace LabelPlatform.Labelling;

public static class ClassificationAnswer
{
    /// <summary>An answer to a classification item must be exactly one of the job's labels.</summary>
    public static Error? Validate(IReadOnlyList<string> labels, string? answer) =>
        answer is not null && labels.Contains(answer, StringComparer.Ordinal)
            ? null
            : new Error("invalid_answer", $"\"{answer}\" is not one of this job's labels ({string.Join(", ", labels)}).");
}
