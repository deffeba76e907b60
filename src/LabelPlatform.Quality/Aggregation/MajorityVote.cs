namespace LabelPlatform.Quality.Aggregation;

/// <summary>The result of a vote: the winning label, or none when the top labels tie.</summary>
public sealed record VoteResult(string? Label, IReadOnlyDictionary<string, int> Counts, int Total, IReadOnlyList<string> Tied)
{
    public bool IsTie => Tied.Count > 1;

    /// <summary>Share of answers that agree with the winner, 0 when there is none.</summary>
    public double Agreement => Label is null || Total == 0 ? 0 : (double)Counts[Label] / Total;
}

/// <summary>
/// Plurality vote. Tie rule: when two or more labels share the highest count there is no winner
/// (ADR 0003): picking one would hide disagreement that the researcher should see (and that more
/// answers can settle).
/// </summary>
public static class MajorityVote
{
    /// <summary>Plurality vote over label strings, as the CSV export shows it; a tie has no winner.</summary>
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

    /// <summary>
    /// Plurality vote per item over indexed answers. Confidence is the winner's posterior probability when every
    /// worker is as accurate as the platform's worker prior says an unknown worker is (<see cref="WorkerPrior.Mean"/>)
    /// and the labels are equally likely: so one answer is 70% sure, not 100%, and 3 to 0 is surer than 2 to 1.
    /// A tie for the top count, or an item with no answers, gets <see cref="FinalLabel.None"/> (confidence 0).
    /// </summary>
    public static FinalLabel[] Decide(AnswerSet answers, WorkerPrior? prior = null)
    {
        var accuracy = (prior ?? WorkerPrior.Default).Mean;
        var accuracies = new double[answers.WorkerCount];
        Array.Fill(accuracies, accuracy);
        return WeightedVote.Decide(answers, accuracies);
    }

    /// <summary>Each item's vote shares (row-major, ItemCount × LabelCount): the soft majority vote that starts Dawid–Skene.</summary>
    internal static double[] Shares(AnswerSet answers)
    {
        var k = answers.LabelCount;
        var shares = new double[answers.ItemCount * k];
        for (var item = 0; item < answers.ItemCount; item++)
        {
            var labels = answers.LabelsOf(item);
            var row = shares.AsSpan(item * k, k);
            if (labels.IsEmpty)
            {
                row.Fill(1.0 / k);
                continue;
            }

            foreach (var label in labels)
            {
                row[label] += 1.0 / labels.Length;
            }
        }

        return shares;
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
