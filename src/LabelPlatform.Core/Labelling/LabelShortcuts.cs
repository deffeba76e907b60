namespace LabelPlatform.Labelling;

/// <summary>
/// Which key chooses which label. A label that is itself a single digit keeps that digit (the
/// digits job: "7" means 7); the others take the free keys 1–9 then 0, in label order.
/// </summary>
public static class LabelShortcuts
{
    private const string KeyOrder = "1234567890";

    public static IReadOnlyList<string?> Assign(IReadOnlyList<string> labels)
    {
        var keys = new string?[labels.Count];
        var taken = new HashSet<char>();
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i] is [var c] && char.IsAsciiDigit(c) && taken.Add(c))
            {
                keys[i] = labels[i];
            }
        }

        var free = KeyOrder.Where(k => !taken.Contains(k)).GetEnumerator();
        for (var i = 0; i < labels.Count; i++)
        {
            if (keys[i] is null && free.MoveNext())
            {
                keys[i] = free.Current.ToString();
            }
        }

        return keys;
    }
}
