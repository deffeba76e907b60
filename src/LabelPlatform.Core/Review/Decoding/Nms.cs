using LabelPlatform.Review.Models;

namespace LabelPlatform.Review.Decoding;

/// <summary>Greedy non-maximum suppression, class by class.</summary>
public static class Nms
{
    /// <summary>
    /// Keeps the strongest box of each cluster: boxes are taken by score, highest first (ties in the
    /// order given), and a box is dropped when it overlaps a kept box of the same class by an IoU
    /// above <paramref name="iouThreshold"/>. Boxes of different classes never suppress each other,
    /// so a cat and a dog in the same place are both kept. Returns the kept boxes by score, highest first.
    /// </summary>
    public static IReadOnlyList<Detection> Apply(IEnumerable<Detection> detections, float iouThreshold)
    {
        var kept = new List<Detection>();
        var keptByClass = new Dictionary<int, List<Detection>>();
        foreach (var candidate in detections.OrderByDescending(d => d.Score))
        {
            if (!keptByClass.TryGetValue(candidate.ClassIndex, out var sameClass))
            {
                keptByClass[candidate.ClassIndex] = sameClass = [];
            }

            if (sameClass.Any(k => Iou(k, candidate) > iouThreshold))
            {
                continue;
            }

            sameClass.Add(candidate);
            kept.Add(candidate);
        }

        return kept;
    }

    /// <summary>Intersection over union of two boxes; 0 when either has no area.</summary>
    public static float Iou(Detection a, Detection b) => (float)Common.Boxes.Iou(a.X, a.Y, a.W, a.H, b.X, b.Y, b.W, b.H);
}
