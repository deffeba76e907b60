using LabelPlatform.Labelling;

namespace LabelPlatform.Labelling;

/// <summary>A box the review model found, in the original image's pixels, with the job label its class maps to.</summary>
public sealed record ModelBox(string Label, float Score, double X, double Y, double W, double H);

/// <summary>A worker's box and the model's box it was paired with.</summary>
public sealed record BoxMatch(BoundingBox Worker, ModelBox Model, double Iou);

/// <summary>How a worker's boxes compare with the model's, pair by pair.</summary>
public sealed record BoxComparison(
    IReadOnlyList<BoxMatch> Matches,
    IReadOnlyList<BoundingBox> UnmatchedWorker,
    IReadOnlyList<ModelBox> Missed,
    double MatchIou)
{
    public int WorkerCount => Matches.Count + UnmatchedWorker.Count;

    public int ModelCount => Matches.Count + Missed.Count;

    /// <summary>
    /// Share of the worker's boxes the model confirms. A worker who drew nothing drew nothing wrong:
    /// 1 when the worker has no boxes (whatever the model found; that shows in <see cref="Recall"/>).
    /// </summary>
    public double Precision => WorkerCount == 0 ? 1 : (double)Matches.Count / WorkerCount;

    /// <summary>
    /// Share of the model's boxes the worker found. Nothing to find is nothing missed: 1 when the model
    /// has no boxes. No boxes on either side is full agreement (both 1).
    /// </summary>
    public double Recall => ModelCount == 0 ? 1 : (double)Matches.Count / ModelCount;
}

/// <summary>Pairs a worker's boxes with the review model's, one to one, as object detection benchmarks do.</summary>
public static class BoxMatching
{
    /// <summary>
    /// Greedy matching by IoU: of every (worker box, model box) pair with the same label and an IoU of
    /// at least <paramref name="matchIou"/>, the pair with the highest IoU is taken first, then the next
    /// among boxes still free, and so on (ties: the model's higher score first, then list order). Each
    /// box is in at most one pair, so two worker boxes on one object match it once and the other is
    /// unmatched. Worker boxes left over have no model box behind them; model boxes left over are ones
    /// the worker missed.
    /// </summary>
    public static BoxComparison Compare(IReadOnlyList<BoundingBox> worker, IReadOnlyList<ModelBox> model, double matchIou)
    {
        var candidates = new List<(int W, int M, double Iou)>();
        for (var w = 0; w < worker.Count; w++)
        {
            for (var m = 0; m < model.Count; m++)
            {
                if (worker[w].Label != model[m].Label)
                {
                    continue;
                }

                var iou = Iou(worker[w], model[m]);
                if (iou >= matchIou && iou > 0)
                {
                    candidates.Add((w, m, iou));
                }
            }
        }

        var workerTaken = new bool[worker.Count];
        var modelTaken = new bool[model.Count];
        var matches = new List<BoxMatch>();
        foreach (var (w, m, iou) in candidates.OrderByDescending(c => c.Iou).ThenByDescending(c => model[c.M].Score).ThenBy(c => c.W).ThenBy(c => c.M))
        {
            if (workerTaken[w] || modelTaken[m])
            {
                continue;
            }

            (workerTaken[w], modelTaken[m]) = (true, true);
            matches.Add(new BoxMatch(worker[w], model[m], iou));
        }

        return new BoxComparison(
            matches,
            [.. worker.Where((_, w) => !workerTaken[w])],
            [.. model.Where((_, m) => !modelTaken[m])],
            matchIou);
    }

    /// <summary>Intersection over union of two boxes; 0 when either has no area.</summary>
    public static double Iou(BoundingBox a, ModelBox b) => Common.Boxes.Iou(a.X, a.Y, a.W, a.H, b.X, b.Y, b.W, b.H);
}
