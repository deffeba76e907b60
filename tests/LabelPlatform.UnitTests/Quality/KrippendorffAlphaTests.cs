using LabelPlatform.Quality.Aggregation;

namespace LabelPlatform.UnitTests.Quality;

public class KrippendorffAlphaTests
{
    [Fact]
    public void Nominal_KrippendorffsReliabilityDataExample_Is0743()
    {
        // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers, 12 units,
        // values 1–5 (here 0–4), missing values left out. Nominal alpha = 0.743.
        int?[][] observers =
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
            [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
        ];
        var answers = new List<LabelAnswer>();
        for (var observer = 0; observer < observers.Length; observer++)
        {
            for (var unit = 0; unit < 12; unit++)
            {
                if (observers[observer][unit] is { } value)
                {
                    answers.Add(new LabelAnswer(unit, observer, value - 1));
                }
            }
        }

        var alpha = KrippendorffAlpha.Nominal(new AnswerSet(12, 4, 5, answers.ToArray()));

        Assert.NotNull(alpha);
        Assert.Equal(0.743, alpha.Value, 3);
    }

    [Fact]
    public void Nominal_HalfThePairsDisagree_IsZero()
    {
        // Pairs (a, a) and (a, b): coincidences o_aa = 2, o_ab = o_ba = 1; n_a = 3, n_b = 1, n = 4.
        // alpha = 1 − (n − 1) · (o_ab + o_ba) / (n_a·n_b + n_b·n_a) = 1 − 3 · 2 / 6 = 0.
        var answers = new AnswerSet(2, 2, 2, [new(0, 0, 0), new(0, 1, 0), new(1, 0, 0), new(1, 1, 1)]);

        Assert.Equal(0, KrippendorffAlpha.Nominal(answers)!.Value, 9);
    }

    [Fact]
    public void Nominal_PerfectAgreement_IsOne()
    {
        var answers = new AnswerSet(2, 3, 3, [new(0, 0, 0), new(0, 1, 0), new(0, 2, 0), new(1, 0, 2), new(1, 1, 2)]);

        Assert.Equal(1, KrippendorffAlpha.Nominal(answers));
    }

    [Fact]
    public void Nominal_EveryAnswerTheSameLabel_IsOne()
    {
        var answers = new AnswerSet(2, 2, 3, [new(0, 0, 1), new(0, 1, 1), new(1, 0, 1), new(1, 1, 1)]);

        Assert.Equal(1, KrippendorffAlpha.Nominal(answers));
    }

    [Fact]
    public void Nominal_ItemsWithOneAnswer_AreLeftOut()
    {
        var paired = new AnswerSet(2, 2, 2, [new(0, 0, 0), new(0, 1, 0), new(1, 0, 0), new(1, 1, 1)]);
        var withSingles = new AnswerSet(4, 2, 2, [new(0, 0, 0), new(0, 1, 0), new(1, 0, 0), new(1, 1, 1), new(2, 0, 1), new(3, 1, 1)]);

        Assert.Equal(KrippendorffAlpha.Nominal(paired), KrippendorffAlpha.Nominal(withSingles));
    }

    [Fact]
    public void Nominal_NoItemWithTwoAnswers_IsNull()
    {
        var answers = new AnswerSet(2, 2, 2, [new(0, 0, 0), new(1, 1, 1)]);

        Assert.Null(KrippendorffAlpha.Nominal(answers));
    }
}
