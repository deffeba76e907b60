using LabelPlatform.Labelling;

namespace LabelPlatform.Quality.Aggregation;

/// <summary>
/// One worker's answer on a box item: their boxes (none is an answer too: "nothing here") and how much
/// their boxes count, e.g. their accuracy or a vote weight. Weights must be positive.
/// </summary>
public sealed record WorkerBoxes(int Worker, double Weight, IReadOnlyList<BoundingBox> Boxes);

/// <summary>
/// A box the crowd agreed on: the weighted average of its workers' boxes. <see cref="Confidence"/> is the
/// weighted share of the item's workers who drew it (their weights ÷ the weights of everyone who answered
/// the item, boxes or not).
/// </summary>
public sealed record ConsolidatedBox(string Label, double X, double Y, double W, double H, double Confidence, IReadOnlyList<int> Workers);

/// <param name="MinIou">A box joins a cluster when its IoU with the cluster's current average box is at least this.</param>
/// <param name="Quorum">Clusters drawn by fewer workers than this are dropped.</param>
public sealed record BoxConsolidationOptions(double MinIou = 0.5, int Quorum = 2);

/// <summary>Consolidates several workers' boxes on one image into the boxes most of them drew.</summary>
public static class BoxConsolidation
{
    /// <summary>
    /// Clusters the boxes by IoU, label by label: boxes are taken from the most reliable worker first
    /// (then in answer and list order); each joins the cluster of its label whose weighted average box it
    /// overlaps most, if that IoU reaches <see cref="BoxConsolidationOptions.MinIou"/> and the worker has no
    /// box in that cluster yet, and otherwise starts a cluster. So a worker contributes at most one box per
    /// cluster, and boxes with different labels never merge. Clusters with at least
    /// <see cref="BoxConsolidationOptions.Quorum"/> workers become boxes, averaged by worker weight, largest
    /// confidence first.
    /// </summary>
    public static IReadOnlyList<ConsolidatedBox> Consolidate(IReadOnlyList<WorkerBoxes> answers, BoxConsolidationOptions? options = null)
    {
        options ??= new BoxConsolidationOptions();
        var totalWeight = 0.0;
        var boxes = new List<(BoundingBox Box, int Worker, double Weight, int Order)>();
        foreach (var answer in answers)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(answer.Weight);
            totalWeight += answer.Weight;
            foreach (var box in answer.Boxes)
            {
                boxes.Add((box, answer.Worker, answer.Weight, boxes.Count));
            }
        }

        var clusters = new List<Cluster>();
        foreach (var (box, worker, weight, _) in boxes.OrderByDescending(b => b.Weight).ThenBy(b => b.Order))
        {
            Cluster? best = null;
            var bestIou = 0.0;
            foreach (var cluster in clusters)
            {
                if (cluster.Label != box.Label || cluster.Workers.Contains(worker))
                {
                    continue;
                }

                var iou = cluster.Iou(box);
                if (iou >= options.MinIou && iou > bestIou)
                {
                    (best, bestIou) = (cluster, iou);
                }
            }

            if (best is null)
            {
                best = new Cluster(box.Label);
                clusters.Add(best);
            }

            best.Add(box, worker, weight);
        }

        return [.. clusters
            .Where(c => c.Workers.Count >= options.Quorum)
            .Select(c => c.ToBox(totalWeight))
            .OrderByDescending(b => b.Confidence)];
    }

    private sealed class Cluster(string label)
    {
        private double _x;
        private double _y;
        private double _w;
        private double _h;
        private double _weight;

        public string Label { get; } = label;

        public List<int> Workers { get; } = [];

        public double Iou(BoundingBox box) =>
            Common.Boxes.Iou(_x / _weight, _y / _weight, _w / _weight, _h / _weight, box.X, box.Y, box.W, box.H);

        public void Add(BoundingBox box, int worker, double weight)
        {
            Workers.Add(worker);
            _x += weight * box.X;
            _y += weight * box.Y;
            _w += weight * box.W;
            _h += weight * box.H;
            _weight += weight;
        }

        public ConsolidatedBox ToBox(double totalWeight) =>
            new(Label, _x / _weight, _y / _weight, _w / _weight, _h / _weight, _weight / totalWeight, [.. Workers.Order()]);
    }
}
