using System.Globalization;
using LabelPlatform.Quality.Aggregation;
using LabelPlatform.Quality.Aggregation.Simulation;

namespace LabelPlatform.UnitTests.Quality;

/// <summary>
/// Dawid–Skene against figures computed outside this code: tests/reference/dawid_skene_reference.out, from
/// tests/reference/dawid_skene_reference.py (a plain-Python EM written from the 1979 paper, no pseudo-counts),
/// on two published datasets (tests/reference/README.md): the paper's Table 1 and crowd-kit's toy dataset.
/// </summary>
public class DawidSkeneReferenceTests
{
    private static readonly string Reference = Path.Combine(AppContext.BaseDirectory, "reference");

    [Theory]
    [InlineData("table1.csv", "Dawid-Skene 1979 Table 1", new[] { "1", "2", "3", "4" })]
    [InlineData("toy.csv", "crowd-kit toy YSDA", new[] { "no", "yes" })]
    public void Run_WithoutPrior_MatchesTheStandardEm(string file, string section, string[] labels)
    {
        var (set, builder) = Load(file, labels);
        var expected = Expected(section);

        var result = DawidSkene.Run(set, new DawidSkeneOptions(MaxIterations: 1000, Tolerance: 1e-10, Smoothing: 1e-12, Prior: WorkerPrior.None, ClassPrior: 0));

        foreach (var (task, posterior) in expected)
        {
            var actual = result.PosteriorOf(builder.ItemIndex(task)).ToArray();
            for (var k = 0; k < labels.Length; k++)
            {
                Assert.True(Math.Abs(posterior[k] - actual[k]) < 1e-4, $"{file} task {task} label {labels[k]}: reference {posterior[k]:0.000000}, ours {actual[k]:0.000000}");
            }
        }
    }

    [Theory]
    [InlineData("table1.csv", "Dawid-Skene 1979 Table 1", new[] { "1", "2", "3", "4" })]
    [InlineData("toy.csv", "crowd-kit toy YSDA", new[] { "no", "yes" })]
    public void Run_DefaultOptions_KeepTheStandardEmsLabels(string file, string section, string[] labels)
    {
        var (set, builder) = Load(file, labels);

        var result = DawidSkene.Run(set);

        foreach (var (task, posterior) in Expected(section))
        {
            var final = result.Labels[builder.ItemIndex(task)];
            Assert.Equal(labels[Array.IndexOf(posterior, posterior.Max())], builder.LabelOf(final));
        }
    }

    [Fact]
    public void Run_ToyDataset_BreaksTheMajorityTieAsCrowdKitExpects()
    {
        var (set, builder) = Load("toy.csv", ["no", "yes"]);

        var majority = MajorityVote.Decide(set);
        var result = DawidSkene.Run(set);

        // crowd-kit's tests (test_ds_aggregation.py) expect yes, yes, no, yes, no; t1 is 2 to 2 by majority vote.
        Assert.False(majority[builder.ItemIndex("t1")].HasLabel);
        Assert.Equal(["yes", "yes", "no", "yes", "no"], new[] { "t1", "t2", "t3", "t4", "t5" }.Select(t => builder.LabelOf(result.Labels[builder.ItemIndex(t)])));
    }

    [Fact]
    public void Run_Online_FewAnswersPerWorker_NeverCollapsesToCertainty()
    {
        // Answers arrive a few at a time and Dawid–Skene is re-run after each batch, as the server does. Early on
        // most workers have one or two answers: a maximum-likelihood EM calls each of them perfect and every item
        // certain; the prior keeps a single stranger's answer from settling an item.
        var crowd = SimulatedCrowd.Realistic(400, 3, new Random(5));
        var labelling = crowd.Label(600, 3, new Random(6));
        var all = Enumerable.Range(0, labelling.Answers.ItemCount)
            .SelectMany(i => labelling.Answers.WorkersOf(i).ToArray().Zip(labelling.Answers.LabelsOf(i).ToArray(), (w, l) => new LabelAnswer(i, w, l)))
            .OrderBy(a => a.Item % 7).ThenBy(a => a.Item).ToArray();

        for (var seen = 150; seen <= all.Length; seen += 150)
        {
            var set = new AnswerSet(labelling.Answers.ItemCount, labelling.Answers.WorkerCount, 3, all.AsSpan(0, seen));
            var result = DawidSkene.Run(set);
            var single = Enumerable.Range(0, set.ItemCount).Where(i => set.AnswerCountOf(i) == 1).ToList();
            var sure = single.Count(i => result.Labels[i].Confidence >= 0.95);
            Assert.True(sure == 0, $"after {seen} answers, {sure} of {single.Count} single-answer items are 95% sure");
            var answered = Enumerable.Range(0, set.ItemCount).Where(i => set.AnswerCountOf(i) > 0).ToList();
            var dsRight = answered.Count(i => result.Labels[i].Label == labelling.Truth[i]);
            var mv = MajorityVote.Decide(set);
            var mvRight = answered.Count(i => mv[i].Label == labelling.Truth[i]);
            Assert.True(dsRight >= mvRight - (answered.Count / 50), $"after {seen} answers Dawid–Skene has {dsRight} right, majority vote {mvRight}");
        }
    }

    private static (AnswerSet Set, AnswerSetBuilder<string, string> Builder) Load(string file, string[] labels)
    {
        var builder = new AnswerSetBuilder<string, string>(labels);
        foreach (var line in File.ReadLines(Path.Combine(Reference, file)).Skip(1))
        {
            var f = line.Split(',');
            builder.Add(f[1], f[0], f[2]);
        }

        return (builder.Build(), builder);
    }

    private static Dictionary<string, double[]> Expected(string section)
    {
        var lines = File.ReadLines(Path.Combine(Reference, "dawid_skene_reference.out"))
            .SkipWhile(l => !l.StartsWith($"# {section}:", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith('#'));
        return lines.Select(l => l.Split(' ')).ToDictionary(f => f[0], f => f[1..].Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray());
    }
}
