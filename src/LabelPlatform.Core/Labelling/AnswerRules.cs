using System.Globalization;
using LabelPlatform.Common;
using LabelPlatform.Jobs;

namespace LabelPlatform.Labelling;

/// <summary>What an answer to one item of a job must look like.</summary>
public sealed record AnswerSchema(TaskKind Kind, IReadOnlyList<string> Labels, int MinBoxSize, int MaxBoxes, int ImageWidth, int ImageHeight);

/// <summary>
/// Checks an answer against its job's schema on the server, whatever the browser claims: known
/// labels only, one label where the job asks for one, boxes inside the image with at least the
/// job's minimum size and no more than its maximum count. Each error names the problem.
/// </summary>
public static class AnswerRules
{
    /// <summary>How far (in image pixels) a box edge may stray outside the image: rounding in the browser.</summary>
    public const double EdgeTolerance = 0.5;

    public static Error? Validate(AnswerSchema schema, Answer? answer)
    {
        if (answer is null)
        {
            return Invalid("The answer is missing or is not valid JSON.");
        }

        return schema.Kind switch
        {
            TaskKind.ImageClassification or TaskKind.TextClassification => ValidateOneLabel(schema, answer),
            TaskKind.ImageMultiLabel or TaskKind.TextMultiLabel => ValidateManyLabels(schema, answer),
            TaskKind.BoundingBoxes => ValidateBoxes(schema, answer),
            _ => Invalid($"Jobs of kind {schema.Kind} take no answers."),
        };
    }

    private static Error? ValidateOneLabel(AnswerSchema schema, Answer answer)
    {
        if (answer.Boxes.Count > 0)
        {
            return Invalid("This job asks for a label, not boxes.");
        }

        if (answer.Labels.Count != 1)
        {
            return Invalid($"Choose exactly one label; this answer has {answer.Labels.Count}.");
        }

        return UnknownLabel(schema, answer.Labels[0]);
    }

    private static Error? ValidateManyLabels(AnswerSchema schema, Answer answer)
    {
        if (answer.Boxes.Count > 0)
        {
            return Invalid("This job asks for labels, not boxes.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var label in answer.Labels)
        {
            if (UnknownLabel(schema, label) is { } unknown)
            {
                return unknown;
            }

            if (!seen.Add(label))
            {
                return Invalid($"\"{label}\" is chosen twice.");
            }
        }

        return null;
    }

    private static Error? ValidateBoxes(AnswerSchema schema, Answer answer)
    {
        if (answer.Labels.Count > 0)
        {
            return Invalid("This job asks for boxes, not labels.");
        }

        if (answer.Boxes.Count > schema.MaxBoxes)
        {
            return Invalid($"This job allows at most {schema.MaxBoxes} boxes per image; this answer has {answer.Boxes.Count}.");
        }

        for (var i = 0; i < answer.Boxes.Count; i++)
        {
            var box = answer.Boxes[i];
            var which = $"Box {i + 1}";
            if (box is null)
            {
                return Invalid($"{which} is empty.");
            }

            if (UnknownLabel(schema, box.Label) is { } unknown)
            {
                return Invalid($"{which}: {unknown.Message}");
            }

            if (!double.IsFinite(box.X) || !double.IsFinite(box.Y) || !double.IsFinite(box.W) || !double.IsFinite(box.H))
            {
                return Invalid($"{which} has a coordinate that is not a number.");
            }

            if (box.W <= 0 || box.H <= 0)
            {
                return Invalid($"{which} has no area ({Px(box.W)} × {Px(box.H)} px).");
            }

            if (box.W < schema.MinBoxSize || box.H < schema.MinBoxSize)
            {
                return Invalid($"{which} is {Px(box.W)} × {Px(box.H)} px; boxes must be at least {schema.MinBoxSize} px on each side.");
            }

            if (box.X < -EdgeTolerance || box.Y < -EdgeTolerance
                || box.X + box.W > schema.ImageWidth + EdgeTolerance || box.Y + box.H > schema.ImageHeight + EdgeTolerance)
            {
                return Invalid($"{which} reaches outside the {schema.ImageWidth} × {schema.ImageHeight} px image.");
            }
        }

        return null;
    }

    private static Error? UnknownLabel(AnswerSchema schema, string? label) =>
        label is not null && schema.Labels.Contains(label, StringComparer.Ordinal)
            ? null
            : Invalid($"\"{label}\" is not one of this job's labels ({string.Join(", ", schema.Labels)}).");

    private static string Px(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static Error Invalid(string message) => new("invalid_answer", message);
}
