using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Verdicts;

namespace LabelPlatform.Quality.Gold;

/// <summary>Whether an answer matches a gold item's known answer.</summary>
public static class GoldScoring
{
    /// <summary>Box answers match gold when every box pairs one to one with a gold box of its label at this IoU.</summary>
    public const double BoxMatchIou = 0.5;

    public static bool Matches(TaskKind kind, Answer gold, Answer answer)
    {
        if (kind.DrawsBoxes())
        {
            var comparison = BoxMatching.Compare(answer.Boxes, [.. gold.Boxes.Select(b => new ModelBox(b.Label, 1, b.X, b.Y, b.W, b.H))], BoxMatchIou);
            return comparison.UnmatchedWorker.Count == 0 && comparison.Missed.Count == 0;
        }

        return gold.Labels.Order(StringComparer.Ordinal).SequenceEqual(answer.Labels.Order(StringComparer.Ordinal), StringComparer.Ordinal);
    }

    /// <summary>The known answer in words, for the feedback a worker sees after missing it.</summary>
    public static string Describe(Answer gold) =>
        gold.Boxes.Count > 0
            ? string.Join(", ", gold.Boxes.GroupBy(b => b.Label).Select(g => $"{g.Count()} × {g.Key}"))
            : gold.Labels.Count == 0 ? "none of the labels" : string.Join(", ", gold.Labels);
}
