namespace LabelPlatform.Quality.Aggregation;

/// <summary>
/// Turns a job's stored answers (item and worker ids, label strings) into an <see cref="AnswerSet"/>, and
/// the indexes in a result back into ids. Labels are numbered in the job's label order.
/// </summary>
public sealed class AnswerSetBuilder<TItem, TWorker>
    where TItem : notnull
    where TWorker : notnull
{
    private readonly Dictionary<string, int> _labelIndex;
    private readonly Dictionary<TItem, int> _itemIndex = [];
    private readonly Dictionary<TWorker, int> _workerIndex = [];
    private readonly List<TItem> _items = [];
    private readonly List<TWorker> _workers = [];
    private readonly List<LabelAnswer> _answers = [];

    public AnswerSetBuilder(IReadOnlyList<string> labels)
    {
        Labels = labels;
        _labelIndex = new Dictionary<string, int>(labels.Count, StringComparer.Ordinal);
        for (var i = 0; i < labels.Count; i++)
        {
            _labelIndex.TryAdd(labels[i], i);
        }
    }

    public IReadOnlyList<string> Labels { get; }

    /// <summary>Items in index order: <c>Items[i]</c> is the id of item index i.</summary>
    public IReadOnlyList<TItem> Items => _items;

    public IReadOnlyList<TWorker> Workers => _workers;

    /// <summary>Registers an item with no answers yet, so it still gets a (empty) result.</summary>
    public int AddItem(TItem item) => IndexOf(item, _itemIndex, _items);

    public int AddWorker(TWorker worker) => IndexOf(worker, _workerIndex, _workers);

    /// <summary>Adds one answer; false (and nothing added) when the label is not one of the job's.</summary>
    public bool Add(TItem item, TWorker worker, string label)
    {
        if (!_labelIndex.TryGetValue(label, out var labelIndex))
        {
            return false;
        }

        _answers.Add(new LabelAnswer(AddItem(item), AddWorker(worker), labelIndex));
        return true;
    }

    public int ItemIndex(TItem item) => _itemIndex[item];

    public int WorkerIndex(TWorker worker) => _workerIndex[worker];

    public string? LabelOf(FinalLabel final) => final.HasLabel ? Labels[final.Label] : null;

    public AnswerSet Build() =>
        new(_items.Count, _workers.Count, Labels.Count, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_answers));

    private static int IndexOf<T>(T key, Dictionary<T, int> index, List<T> list)
        where T : notnull
    {
        if (!index.TryGetValue(key, out var i))
        {
            i = list.Count;
            index.Add(key, i);
            list.Add(key);
        }

        return i;
    }
}
