namespace LabelPlatform.Quality.Aggregation;

/// <summary>One classification answer: which worker gave which label to which item, all as indexes.</summary>
public readonly record struct LabelAnswer(int Item, int Worker, int Label);

/// <summary>
/// The common input of every label aggregation: answers as (item, worker, label) indexes, with items
/// numbered 0..ItemCount-1, workers 0..WorkerCount-1 and labels 0..LabelCount-1 (the job's label order).
/// Held as flat arrays grouped by item, because a million answers must aggregate in seconds without an
/// object or a dictionary per answer. <see cref="AnswerSetBuilder{TItem,TWorker}"/> maps ids and label
/// strings to these indexes and back.
/// </summary>
public sealed class AnswerSet
{
    private readonly int[] _itemStart;
    private readonly int[] _workers;
    private readonly int[] _labels;

    public AnswerSet(int itemCount, int workerCount, int labelCount, ReadOnlySpan<LabelAnswer> answers)
    {
        if (labelCount < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(labelCount), "A classification needs at least two labels.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(itemCount);
        ArgumentOutOfRangeException.ThrowIfNegative(workerCount);
        (ItemCount, WorkerCount, LabelCount) = (itemCount, workerCount, labelCount);

        // Counting sort by item: stable, so each item's answers keep the order they were given in.
        _itemStart = new int[itemCount + 1];
        foreach (var a in answers)
        {
            if ((uint)a.Item >= (uint)itemCount || (uint)a.Worker >= (uint)workerCount || (uint)a.Label >= (uint)labelCount)
            {
                throw new ArgumentOutOfRangeException(nameof(answers), $"Answer {a} is outside {itemCount} items, {workerCount} workers, {labelCount} labels.");
            }

            _itemStart[a.Item + 1]++;
        }

        for (var i = 0; i < itemCount; i++)
        {
            _itemStart[i + 1] += _itemStart[i];
        }

        _workers = new int[answers.Length];
        _labels = new int[answers.Length];
        var next = _itemStart[..^1];
        foreach (var a in answers)
        {
            var at = next[a.Item]++;
            _workers[at] = a.Worker;
            _labels[at] = a.Label;
        }
    }

    public int ItemCount { get; }

    public int WorkerCount { get; }

    public int LabelCount { get; }

    public int Count => _labels.Length;

    public int AnswerCountOf(int item) => _itemStart[item + 1] - _itemStart[item];

    /// <summary>The workers who answered <paramref name="item"/>, in the same order as <see cref="LabelsOf"/>.</summary>
    public ReadOnlySpan<int> WorkersOf(int item) => _workers.AsSpan(_itemStart[item], AnswerCountOf(item));

    public ReadOnlySpan<int> LabelsOf(int item) => _labels.AsSpan(_itemStart[item], AnswerCountOf(item));

    /// <summary>Where each item's answers start in <see cref="AllWorkers"/> and <see cref="AllLabels"/> (ItemCount + 1 entries).</summary>
    internal ReadOnlySpan<int> ItemStart => _itemStart;

    internal ReadOnlySpan<int> AllWorkers => _workers;

    internal ReadOnlySpan<int> AllLabels => _labels;
}

/// <summary>
/// One final label per item. <see cref="Label"/> is the label index, or -1 when there is none (no answers,
/// or a tie the method does not break). What <see cref="Confidence"/> means depends on the method: the vote
/// share for majority vote, the posterior probability for the weighted vote and Dawid–Skene.
/// </summary>
public readonly record struct FinalLabel(int Label, double Confidence)
{
    public static readonly FinalLabel None = new(-1, 0);

    public bool HasLabel => Label >= 0;
}
