using LabelPlatform.Labelling;

namespace LabelPlatform.Jobs.Labels;

/// <summary>
/// One item's label as a researcher's file gives it: where in the file (for the problem list), which item
/// (id, uploaded path, or file name), the answer, and an optional explanation; or why the row could not be read.
/// </summary>
/// <param name="Normalised">Boxes are fractions of the image (YOLO), turned into pixels once the item is known.</param>
public sealed record LabelRow(string Where, string Item, Answer? Answer, string? Explanation = null, string? Error = null, bool Normalised = false)
{
    public static LabelRow Bad(string where, string error) => new(where, "", null, null, error);
}

/// <summary>A file's rows matched to the job's items and checked against its answer rules, or every problem, each with where it is.</summary>
public sealed record MatchedLabels(IReadOnlyList<(Item Item, Answer Answer, string? Explanation)> Rows, IReadOnlyList<string> Problems)
{
    /// <summary>At most this many problems are listed; the count of the rest follows.</summary>
    public const int MaxListed = 100;

    public bool Succeeded => Problems.Count == 0;
}

/// <summary>Matches label rows to a job's items: by item id, the uploaded path, the path without its extension, or the file name alone, whichever is unique.</summary>
public static class ItemLabels
{
    public const int MaxExplanationLength = 2000;

    public static MatchedLabels Match(Job job, IReadOnlyList<Item> items, IEnumerable<LabelRow> rows)
    {
        var byId = items.ToDictionary(i => i.Id.ToString());
        var keys = new Func<string, string>[] { n => n, n => Stem(n), n => Path.GetFileName(n), n => Stem(Path.GetFileName(n)) };
        var indexes = keys.Select(key => items.GroupBy(i => key(i.SourceName), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal)).ToList();
        var problems = new List<string>();
        var matched = new List<(Item, Answer, string?)>();
        var seen = new Dictionary<Guid, string>();
        var more = 0;

        void Problem(string text)
        {
            if (problems.Count < MatchedLabels.MaxListed)
            {
                problems.Add(text);
            }
            else
            {
                more++;
            }
        }

        foreach (var row in rows)
        {
            if (row.Answer is null)
            {
                Problem($"{row.Where}: {row.Error}");
                continue;
            }

            var name = row.Item.Trim().Replace('\\', '/');
            var item = byId.GetValueOrDefault(name.ToLowerInvariant());
            var ambiguous = 0;
            for (var k = 0; item is null && k < keys.Length; k++)
            {
                if (indexes[k].TryGetValue(keys[k](name), out var found))
                {
                    if (found.Count == 1)
                    {
                        item = found[0];
                    }
                    else
                    {
                        ambiguous = Math.Max(ambiguous, found.Count);
                    }
                }
            }

            if (item is null)
            {
                Problem(ambiguous > 1 ? $"{row.Where}: \"{row.Item}\" names {ambiguous} items; use the item id or the full uploaded path" : $"{row.Where}: the job has no item \"{row.Item}\"");
                continue;
            }

            if (seen.TryGetValue(item.Id, out var first))
            {
                Problem($"{row.Where}: \"{row.Item}\" was given already ({first})");
                continue;
            }

            seen[item.Id] = row.Where;
            var answer = row.Normalised ? InPixels(row.Answer, item) : row.Answer;
            var invalid = AnswerRules.Validate(new AnswerSchema(job.Kind, job.Labels, job.MinBoxSize, job.MaxBoxes, item.Width, item.Height), answer);
            if (invalid is not null)
            {
                Problem($"{row.Where}: {invalid.Message}");
                continue;
            }

            if (row.Explanation is { Length: > MaxExplanationLength })
            {
                Problem($"{row.Where}: the explanation is longer than {MaxExplanationLength} characters");
                continue;
            }

            matched.Add((item, answer, string.IsNullOrWhiteSpace(row.Explanation) ? null : row.Explanation.Trim()));
        }

        if (more > 0)
        {
            problems.Add($"and {more} more problems");
        }

        return new MatchedLabels(problems.Count == 0 ? matched : [], problems);
    }

    private static string Stem(string name) => Path.GetExtension(name).Length > 0 ? name[..^Path.GetExtension(name).Length] : name;

    /// <summary>YOLO's centre and size as fractions of the image, as a box in the image's pixels (to a hundredth of a pixel).</summary>
    private static Answer InPixels(Answer answer, Item item) => Answer.WithBoxes(answer.Boxes.Select(b =>
        new BoundingBox(b.Label, Math.Round((b.X - (b.W / 2)) * item.Width, 2), Math.Round((b.Y - (b.H / 2)) * item.Height, 2),
            Math.Round(b.W * item.Width, 2), Math.Round(b.H * item.Height, 2))));
}
