namespace LabelPlatform.Quality.Aggregation;

public enum OverlapDecision
{
    /// <summary>The item needs another answer.</summary>
    AskForOneMore,

    /// <summary>The item's label is as sure as the job asks for.</summary>
    Settled,

    /// <summary>The item has the most answers the job pays for, and is still not as sure as asked: a person should look.</summary>
    Exhausted,
}

/// <summary>
/// Dynamic overlap: every item starts with <paramref name="MinAnswers"/> answers, and gets one more at a time
/// only while its final label's confidence (from whichever aggregation method the job uses) is below
/// <paramref name="TargetConfidence"/>, up to <paramref name="MaxAnswers"/>. Answers bought where the
/// crowd already agrees are wasted; answers bought where it disagrees are what settle the label.
/// </summary>
/// <param name="SettleOnlyWhenUnanimous">Also ask for more while the answers disagree, however confident the method is.</param>
public sealed record DynamicOverlap(int MinAnswers, int MaxAnswers, double TargetConfidence, bool SettleOnlyWhenUnanimous = false)
{
    /// <summary>What an item needs next, from its answers so far and its current final label.</summary>
    public OverlapDecision Decide(ReadOnlySpan<int> labels, FinalLabel current) =>
        Decide(labels.Length, current, !SettleOnlyWhenUnanimous || Unanimous(labels));

    /// <summary>The same, from how many answers the item has; <paramref name="unanimous"/> matters only with <see cref="SettleOnlyWhenUnanimous"/>.</summary>
    public OverlapDecision Decide(int answers, FinalLabel current, bool unanimous = true)
    {
        if (MinAnswers < 1 || MaxAnswers < MinAnswers)
        {
            throw new InvalidOperationException($"Dynamic overlap needs 1 ≤ minimum ≤ maximum answers, not {MinAnswers}–{MaxAnswers}.");
        }

        if (answers < MinAnswers)
        {
            return OverlapDecision.AskForOneMore;
        }

        var sure = current.HasLabel && current.Confidence >= TargetConfidence && (!SettleOnlyWhenUnanimous || unanimous);
        return sure ? OverlapDecision.Settled
            : answers >= MaxAnswers ? OverlapDecision.Exhausted
            : OverlapDecision.AskForOneMore;
    }

    private static bool Unanimous(ReadOnlySpan<int> labels)
    {
        foreach (var label in labels)
        {
            if (label != labels[0])
            {
                return false;
            }
        }

        return true;
    }
}
