namespace LabelPlatform.Quality.Aggregation;

/// <summary>The result of a vote: the winning label, or none when the top labels tie.</summary>
public sealed record VoteResult(string? Label, IReadOnlyDictionary<string, int> Counts, int Total, IReadOnlyList<string> Tied)
{
    public bool IsTie => Tied.Count > 1;

    /// <summary>Share of answers that agree with the winner, 0 when there is none.</summary>
    public double Agreement => Label is null || Total == 0 ? 0 : (double)Counts[Label] / Total;
}

public static class MajorityVote
{
    /// <summary>
    /// Plurality vote. A tie has no winner: picking one would hide disagreement that the
    /// researcher should see (and that more answers can settle).
    /// </summary>
    public static VoteResult Decide(IEnumerable<string> votes, IReadOnlyList<string> labelOrder)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var total = 0;
        foreach (var vote in votes)
        {
            counts[vote] = counts.GetValueOrDefault(vote) + 1;
            total++;
        }

        if (total == 0)
        {
            return new VoteResult(null, counts, 0, []);
        }

        var top = counts.Values.Max();
        var leaders = counts.Where(c => c.Value == top).Select(c => c.Key)
            .OrderBy(l => labelOrder is null ? 0 : IndexOf(labelOrder, l)).ThenBy(l => l, StringComparer.Ordinal)
            .ToList();
        return leaders.Count == 1
            ? new VoteResult(leaders[0], counts, total, [])
            : new VoteResult(null, counts, total, leaders);
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] == label)
            {
                return i;
            }
        }

        return int.MaxValue;
    }
}
