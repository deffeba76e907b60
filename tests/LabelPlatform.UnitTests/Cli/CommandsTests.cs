using System.Globalization;
using LabelPlatform.Cli;

namespace LabelPlatform.UnitTests.Cli;

/// <summary>The labelplatform tool on the README's worked example (docs/examples/digits) and on files it must refuse.</summary>
public sealed class CommandsTests : IDisposable
{
    private static readonly string Digits = Path.Combine(AppContext.BaseDirectory, "examples", "digits");
    private readonly string _dir = Directory.CreateTempSubdirectory("labelplatform-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static (int Code, string Output) Run(params string[] args)
    {
        using var output = new StringWriter();
        try
        {
            return (Commands.Run(args, output), output.ToString());
        }
        catch (CliException e)
        {
            return (2, e.Message);
        }
    }

    private string File(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private static string Example(string name) => Path.Combine(Digits, name);

    [Fact]
    public void Replay_DigitsExample_EndsWithTheResultLineAndWritesEveryItem()
    {
        var results = Path.Combine(Path.GetTempPath(), $"digits-{Guid.NewGuid()}.csv");
        try
        {
            var (code, output) = Run("replay", "--answers", Example("answers.csv"), "--model", Example("model.csv"), "--gold", Example("gold.csv"),
                "--truth", Example("truth.csv"), "--out", results);

            Assert.Equal(0, code);
            var result = output.TrimEnd().Split('\n')[^1];
            Assert.StartsWith("RESULT replay items=567 answers_per_item=", result);
            var fields = result.Split(' ').Skip(2).Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
            Assert.True(double.Parse(fields["accuracy"], CultureInfo.InvariantCulture) >= 0.99, result);
            Assert.True(double.Parse(fields["answers_per_item"], CultureInfo.InvariantCulture) < 5, result);
            var lines = System.IO.File.ReadAllLines(results);
            Assert.Equal("task,label,confidence,source,answers,undecided", lines[0]);
            Assert.Equal(568, lines.Length);
        }
        finally
        {
            System.IO.File.Delete(results);
        }
    }

    [Fact]
    public void Replay_TheSameFilesTwice_GivesTheSameResult()
    {
        string[] args = ["replay", "--answers", Example("answers.csv"), "--model", Example("model.csv"), "--gold", Example("gold.csv"), "--truth", Example("truth.csv")];

        Assert.Equal(Run(args).Output, Run(args).Output);
    }

    [Fact]
    public void Replay_NoModelAtAll_BuysMoreAnswers()
    {
        var noModel = File("model.csv", "task,label,confidence\n");
        string[] common = ["--answers", Example("answers.csv"), "--gold", Example("gold.csv"), "--truth", Example("truth.csv")];

        var with = Run([.. new[] { "replay", "--model", Example("model.csv") }, .. common]).Output;
        var without = Run([.. new[] { "replay", "--model", noModel }, .. common]).Output;

        static double Cost(string output) => double.Parse(output.Split(' ').Single(f => f.StartsWith("answers_per_item=", StringComparison.Ordinal)).Split('=')[1], CultureInfo.InvariantCulture);
        Assert.True(Cost(with) < Cost(without), $"{with}\n{without}");
    }

    [Theory]
    [InlineData("mv")]
    [InlineData("wmv")]
    [InlineData("ds")]
    public void Aggregate_DigitsExample_OneRowPerTaskWithAPosterior(string method)
    {
        var (code, output) = Run("aggregate", "--answers", Example("answers.csv"), "--method", method, "--gold", Example("gold.csv"));

        Assert.Equal(0, code);
        var rows = output.TrimEnd().Split('\n').Select(l => l.Split(',')).ToList();
        Assert.Equal(["task", "label", "confidence"], rows[0]);
        Assert.Equal(567 + 30, rows.Count - 1);
        Assert.All(rows.Skip(1), r => Assert.InRange(double.Parse(r[2], CultureInfo.InvariantCulture), 0, 1));
        var truth = System.IO.File.ReadAllLines(Example("truth.csv")).Skip(1).Select(l => l.Split(',')).ToDictionary(f => f[0], f => f[1]);
        var right = rows.Skip(1).Count(r => truth.TryGetValue(r[0], out var t) && t == r[1]);
        Assert.True(right >= 0.95 * truth.Count, $"{method}: {right} of {truth.Count}");
    }

    [Fact]
    public void Aggregate_TieUnderMajorityVote_HasAnEmptyLabel()
    {
        var answers = File("answers.csv", "worker,task,label\na,t1,cat\nb,t1,dog\nc,t2,cat\n");

        var (_, output) = Run("aggregate", "--answers", answers, "--method", "mv");

        Assert.Equal(["task,label,confidence", "t1,,0", "t2,cat,0.7"], output.TrimEnd().Split('\n'));
    }

    [Theory]
    [InlineData("worker,task\na,t1\n", "the header has no column label")]
    [InlineData("worker,task,label\na,t1\n", "2 fields where the header has 3")]
    [InlineData("worker,task,label\na,,cat\n", "every one of worker,task,label needs a value")]
    [InlineData("worker,task,label\na,t1,\"cat\n", "a quoted field is never closed")]
    [InlineData("", "the file is empty")]
    public void Aggregate_BrokenFile_RefusedWithWhereAndWhy(string content, string message)
    {
        var (code, output) = Run("aggregate", "--answers", File("bad.csv", content), "--method", "mv");

        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Theory]
    [InlineData(new[] { "aggregate", "--answers", "x.csv" }, "--method is required")]
    [InlineData(new[] { "aggregate", "--answers", "x.csv", "--method", "vote" }, "--method is mv, wmv or ds, not 'vote'")]
    [InlineData(new[] { "aggregate", "--answers", "x.csv", "--method", "ds" }, "x.csv: no such file")]
    [InlineData(new[] { "replay", "--answers", "a", "--model", "b", "--colour", "red" }, "unknown option --colour")]
    [InlineData(new[] { "replay", "--target" }, "--target needs a value")]
    [InlineData(new[] { "frobnicate" }, "no command 'frobnicate'")]
    public void Run_BadCommandLine_RefusedWithAClearMessage(string[] args, string message)
    {
        var (code, output) = Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, output);
    }

    [Fact]
    public void Replay_ConfidenceOutsideZeroToOne_RefusedWithTheLine()
    {
        var model = File("model.csv", "task,label,confidence\nt1,cat,0.9\nt2,dog,1.5\n");

        var (code, output) = Run("replay", "--answers", Example("answers.csv"), "--model", model);

        Assert.Equal(2, code);
        Assert.Contains("model.csv:3: confidence '1.5' is not a number from 0 to 1", output);
    }

    [Fact]
    public void Replay_TargetOutOfRange_RefusedWithThePoliciesRule()
    {
        var (code, output) = Run("replay", "--answers", Example("answers.csv"), "--model", Example("model.csv"), "--target", "1");

        Assert.Equal(2, code);
        Assert.Contains("The target confidence is a probability above 0 and below 1", output);
    }
}
