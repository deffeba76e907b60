using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Gold;

namespace LabelPlatform.Quality.FinalLabels;

/// <summary>One submitted answer as aggregation sees it.</summary>
public sealed record CrowdAnswer(Guid ItemId, string WorkerId, Answer Answer);

/// <summary>An item's final answer, how sure it is, and how many answers are behind it.</summary>
public sealed record ItemFinal(Guid ItemId, Answer? Answer, string? Label, double Confidence, int Answers);

/// <summary>
/// Turns a job's answers into final answers with the job's method: one-label jobs by majority vote,
/// accuracy-weighted vote or Dawid–Skene; multi-label jobs label by label (a label is in when most
/// answers chose it); box jobs by clustering the workers' boxes, weighted by their gold accuracy.
/// Pure: the caller loads and stores.
/// </summary>
public static class FinalAnswers
{
    /// <summary>A worker without gold answers counts as this accurate in a weighted vote: the platform's one worker prior.</summary>
    public static double UnknownAccuracy => WorkerPrior.Default.Mean;

    public static (IReadOnlyList<ItemFinal> Items, double? Agreement) Compute(
        Job job, IReadOnlyList<Guid> itemIds, IReadOnlyList<CrowdAnswer> answers, IReadOnlyDictionary<string, (int Answers, int Correct)> gold)
    {
        var byItem = answers.ToLookup(a => a.ItemId);
        double Accuracy(string worker) => gold.TryGetValue(worker, out var g) && g.Answers > 0 ? QualityPolicy.Accuracy(g.Answers, g.Correct) : UnknownAccuracy;

        if (job.Kind.DrawsBoxes())
        {
            return ([.. itemIds.Select(id => Boxes(id, byItem[id].ToList(), Accuracy))], null);
        }

        if (job.Kind.AllowsManyLabels())
        {
            return ([.. itemIds.Select(id => ManyLabels(id, byItem[id].ToList(), job.Labels))], null);
        }

        var builder = new AnswerSetBuilder<Guid, string>(job.Labels);
        foreach (var id in itemIds)
        {
            builder.AddItem(id);
        }

        foreach (var answer in answers)
        {
            if (answer.Answer.SingleLabel is { } label)
            {
                builder.Add(answer.ItemId, answer.WorkerId, label);
            }
        }

        var set = builder.Build();
        IReadOnlyList<FinalLabel> finals = job.QualityPolicy.Aggregation switch
        {
            AggregationMethod.WeightedVote => WeightedVote.Decide(set, builder.Workers.Select(Accuracy).ToArray()),
            AggregationMethod.DawidSkene when set.Count > 0 => DawidSkene.Run(set).Labels,
            _ => MajorityVote.Decide(set),
        };
        var items = itemIds.Select(id =>
        {
            var index = builder.ItemIndex(id);
            var final = finals[index];
            var label = builder.LabelOf(final);
            return new ItemFinal(id, label is null ? null : Answer.OneLabel(label), label, final.HasLabel ? final.Confidence : 0, set.AnswerCountOf(index));
        }).ToList();
        return (items, KrippendorffAlpha.Nominal(set));
    }

    /// <summary>Dynamic overlap's question for one one-label item: settled, one more answer, or out of answers.</summary>
    public static OverlapDecision Overlap(Job job, ItemFinal item)
    {
        var policy = job.QualityPolicy;
        var rule = new DynamicOverlap(job.AnswersPerItem, Math.Max(job.AnswersPerItem, policy.MaxAnswersPerItem), policy.TargetConfidence);
        return rule.Decide(item.Answers, new FinalLabel(item.Label is null ? -1 : 0, item.Confidence));
    }

    private static ItemFinal ManyLabels(Guid itemId, List<CrowdAnswer> answers, IReadOnlyList<string> labels)
    {
        if (answers.Count == 0)
        {
            return new ItemFinal(itemId, null, null, 0, 0);
        }

        // Each label is its own yes/no vote; the final set is sure as its least clear-cut label.
        var chosen = labels.Where(l => answers.Count(a => a.Answer.Labels.Contains(l)) * 2 > answers.Count).ToList();
        var confidence = labels.Min(l =>
        {
            var yes = answers.Count(a => a.Answer.Labels.Contains(l));
            return Math.Max(yes, answers.Count - yes) / (double)answers.Count;
        });
        return new ItemFinal(itemId, Answer.ManyLabels(chosen), null, confidence, answers.Count);
    }

    private static ItemFinal Boxes(Guid itemId, List<CrowdAnswer> answers, Func<string, double> accuracy)
    {
        if (answers.Count == 0)
        {
            return new ItemFinal(itemId, null, null, 0, 0);
        }

        var workers = answers.Select((a, i) => new WorkerBoxes(i, accuracy(a.WorkerId), a.Answer.Boxes)).ToList();
        var quorum = Math.Max(1, (answers.Count + 1) / 2);
        var boxes = BoxConsolidation.Consolidate(workers, new BoxConsolidationOptions(Quorum: quorum));
        var final = Answer.WithBoxes(boxes.Select(b => new BoundingBox(b.Label, Math.Round(b.X, 1), Math.Round(b.Y, 1), Math.Round(b.W, 1), Math.Round(b.H, 1))));
        return new ItemFinal(itemId, final, null, boxes.Count == 0 ? 1 : boxes.Min(b => b.Confidence), answers.Count);
    }
}
