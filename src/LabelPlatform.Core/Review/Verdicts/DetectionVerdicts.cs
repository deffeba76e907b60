using System.Text.Json;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Decoding;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;
using Microsoft.ML.OnnxRuntime;

namespace LabelPlatform.Review.Verdicts;

/// <summary>
/// Box jobs: the worker's boxes against the model's detections (<see cref="BoxMatching"/>), decided by
/// <see cref="ReviewPolicy.DecideBoxes"/>. A detection verdict names no model label; its confidence is
/// the agreement, the lower of precision and recall.
/// </summary>
internal static class DetectionVerdicts
{
    public static IReadOnlyList<VerdictRow> Judge(
        InferenceSession session, ModelDescriptor descriptor, ReviewPolicy policy, IReadOnlyList<PendingAnswer> batch, float[] inputs, IReadOnlyList<ImageGeometry?> geometries)
    {
        var detections = Detector.Run(session, descriptor, inputs, geometries);
        return [.. batch.Select((a, i) => geometries[i] is null
            ? VerdictRow.Unreadable(a.Id)
            : Judge(a.Id, Answer.FromJson(a.AnswerJson), ToModelBoxes(descriptor, detections[i]), policy))];
    }

    /// <summary>The model's detections as boxes of the job's labels (the decoder keeps only mapped classes).</summary>
    public static IReadOnlyList<ModelBox> ToModelBoxes(ModelDescriptor descriptor, IEnumerable<Detection> detections) =>
        [.. detections.Select(d => new ModelBox(descriptor.LabelMap[d.ClassIndex], d.Score, d.X, d.Y, d.W, d.H))];

    public static VerdictRow Judge(Guid assignmentId, Answer? answer, IReadOnlyList<ModelBox> model, ReviewPolicy policy)
    {
        if (answer is null)
        {
            return new VerdictRow(assignmentId, ReviewState.NeedsReview, "the answer's boxes could not be read", null, 0, "{}");
        }

        var boxes = BoxMatching.Compare(answer.Boxes, model, policy.MatchIou);
        var (outcome, reason) = policy.DecideBoxes(boxes, policy.DrawsForAudit(assignmentId));
        var agreement = (float)Math.Min(boxes.Precision, boxes.Recall);
        return new VerdictRow(assignmentId, outcome, reason, null, agreement, Evidence(boxes));
    }

    /// <summary>What a reviewer sees: every pair with its IoU and the model's score, and the boxes left over on each side.</summary>
    public static string Evidence(BoxComparison boxes) => JsonSerializer.Serialize(new
    {
        matchIou = MathF.Round((float)boxes.MatchIou, 4),
        precision = Math.Round(boxes.Precision, 4),
        recall = Math.Round(boxes.Recall, 4),
        matched = boxes.Matches.Select(m => new
        {
            label = m.Worker.Label,
            iou = Math.Round(m.Iou, 4),
            score = MathF.Round(m.Model.Score, 4),
            worker = Box(m.Worker.X, m.Worker.Y, m.Worker.W, m.Worker.H),
            model = Box(m.Model.X, m.Model.Y, m.Model.W, m.Model.H),
        }),
        unmatched = boxes.UnmatchedWorker.Select(b => new { label = b.Label, box = Box(b.X, b.Y, b.W, b.H) }),
        missed = boxes.Missed.Select(b => new { label = b.Label, score = MathF.Round(b.Score, 4), box = Box(b.X, b.Y, b.W, b.H) }),
    });

    private static object Box(double x, double y, double w, double h) =>
        new { x = Math.Round(x, 2), y = Math.Round(y, 2), w = Math.Round(w, 2), h = Math.Round(h, 2) };
}
