using System.Text.Json;
using LabelPlatform.Jobs;
using LabelPlatform.Review.Inference;
using LabelPlatform.Review.Models;
using Microsoft.ML.OnnxRuntime;

namespace LabelPlatform.Review.Verdicts;

/// <summary>An answer the review worker took, as it needs it.</summary>
internal sealed record PendingAnswer(Guid Id, string Label, string StorageKey, string? AnswerJson, int Width, int Height);

/// <summary>One verdict as the review worker writes it.</summary>
internal sealed record VerdictRow(Guid AssignmentId, ReviewState Outcome, string Reason, string? ModelLabel, float Confidence, string Evidence)
{
    public static VerdictRow Unreadable(Guid assignmentId, string evidence = "{}") =>
        new(assignmentId, ReviewState.NeedsReview, "the image could not be read for the model", null, 0, evidence);

    public static VerdictRow NotJudged(Guid assignmentId, ModelKind model, LabelPlatform.Labelling.TaskKind job) =>
        new(assignmentId, ReviewState.NeedsReview, $"the job's {model.ToString().ToLowerInvariant()} model can't judge {job} answers", null, 0, "{}");
}

/// <summary>Classification jobs: the model's best class against the worker's label; evidence is its top three classes.</summary>
internal static class ClassificationVerdicts
{
    public static IReadOnlyList<VerdictRow> Judge(
        InferenceSession session, ModelDescriptor descriptor, ReviewPolicy policy, IReadOnlyList<PendingAnswer> batch, float[] inputs, IReadOnlyList<ImageGeometry?> geometries)
    {
        var predictions = Classifier.Run(session, descriptor, inputs, batch.Count);
        return [.. batch.Select((a, i) =>
        {
            var p = predictions[i];
            var (outcome, reason) = geometries[i] is not null
                ? policy.Decide(a.Label, p.Label, p.Confidence, policy.DrawsForAudit(a.Id))
                : (ReviewState.NeedsReview, "the image could not be read for the model");
            var top = p.Probabilities.Select((prob, c) => (c, prob)).OrderByDescending(x => x.prob).Take(3)
                .Select(x => new { label = descriptor.LabelMap.GetValueOrDefault(x.c), classIndex = x.c, probability = MathF.Round(x.prob, 4) });
            return new VerdictRow(a.Id, outcome, reason, p.Label, p.Confidence, JsonSerializer.Serialize(new { top }));
        })];
    }
}
