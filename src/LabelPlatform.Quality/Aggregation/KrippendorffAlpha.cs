namespace LabelPlatform.Quality.Aggregation;

/// <summary>
/// Krippendorff's alpha for nominal labels: 1 − observed disagreement ÷ the disagreement expected by chance,
/// from the coincidence matrix (Krippendorff, "Computing Krippendorff's alpha-reliability", 2011). 1 is
/// perfect agreement, 0 agreement no better than chance, below 0 systematic disagreement. Unlike a plain
/// agreement share it corrects for chance and allows any number of answers per item.
/// </summary>
public static class KrippendorffAlpha
{
    /// <summary>
    /// Alpha over every item with at least two answers (an item with one answer has nothing to agree
    /// with and is left out). Null when no item has two answers. When no pair of answers disagrees the
    /// alpha is 1, even if every answer is the same label (where the formula would divide 0 by 0).
    /// </summary>
    public static double? Nominal(AnswerSet answers)
    {
        var k = answers.LabelCount;

        // coincidences[c * k + l]: pairs of answers (c, l) within an item, each weighted 1 / (m − 1).
        var coincidences = new double[k * k];
        Span<int> counts = k <= 256 ? stackalloc int[k] : new int[k];
        var pairable = false;
        for (var item = 0; item < answers.ItemCount; item++)
        {
            var labels = answers.LabelsOf(item);
            var m = labels.Length;
            if (m < 2)
            {
                continue;
            }

            pairable = true;
            counts.Clear();
            foreach (var label in labels)
            {
                counts[label]++;
            }

            for (var c = 0; c < k; c++)
            {
                if (counts[c] == 0)
                {
                    continue;
                }

                for (var l = 0; l < k; l++)
                {
                    var pairs = c == l ? counts[c] * (counts[c] - 1) : counts[c] * counts[l];
                    coincidences[(c * k) + l] += (double)pairs / (m - 1);
                }
            }
        }

        if (!pairable)
        {
            return null;
        }

        var marginals = new double[k];
        var (observed, total) = (0.0, 0.0);
        for (var c = 0; c < k; c++)
        {
            for (var l = 0; l < k; l++)
            {
                var o = coincidences[(c * k) + l];
                marginals[c] += o;
                total += o;
                if (c != l)
                {
                    observed += o;
                }
            }
        }

        if (observed == 0)
        {
            return 1;
        }

        var expected = 0.0;
        for (var c = 0; c < k; c++)
        {
            expected += marginals[c] * (total - marginals[c]);
        }

        return 1 - ((total - 1) * observed / expected);
    }
}
