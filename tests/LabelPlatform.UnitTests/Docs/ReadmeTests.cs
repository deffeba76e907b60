using System.Text.RegularExpressions;
using LabelPlatform.Testing;

namespace LabelPlatform.UnitTests.Docs;

/// <summary>
/// The README states what is true today: its benchmarks are the ones bench/run.sh runs, each with its
/// RESULT line; its test figure is near the suite's size; nothing it calls unbuilt is already built.
/// </summary>
public partial class ReadmeTests
{
    private static readonly string Root = RepositoryFiles.Root;

    private static string Readme => File.ReadAllText(Path.Combine(Root, "README.md"));

    /// <summary>The names bench/run.sh answers to (its case branches).</summary>
    private static List<string> Benchmarks()
    {
        var script = File.ReadAllText(Path.Combine(Root, "bench", "run.sh"));
        var cases = script[script.IndexOf("case \"$name\" in", StringComparison.Ordinal)..];
        return BenchCase().Matches(cases).Select(m => m.Groups[1].Value).ToList();
    }

    [Fact]
    public void Benchmarks_EveryOneIsInTheReadmeWithItsResultLine_AndNoOther()
    {
        var benchmarks = Benchmarks();
        var readme = Readme;

        Assert.NotEmpty(benchmarks);
        Assert.All(benchmarks, b =>
        {
            Assert.Contains($"bench/run.sh {b}`", readme, StringComparison.Ordinal);
            Assert.Contains($"RESULT {b} ", readme, StringComparison.Ordinal);
        });
        var named = ReadmeBench().Matches(readme).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.All(named, n => Assert.Contains(n, benchmarks));
    }

    [Fact]
    public void Benchmarks_EveryOneHasASmokeRunInTestSh()
    {
        var smoke = File.ReadAllText(Path.Combine(Root, "bench", "smoke.sh"));

        Assert.All(Benchmarks(), b => Assert.Matches($@"(?m)^smoke {b}\b", smoke));
        Assert.Contains("bench/smoke.sh", File.ReadAllText(Path.Combine(Root, "test.sh")), StringComparison.Ordinal);
    }

    [Fact]
    public void TestFigure_IsNearTheSuitesSize()
    {
        var match = TestFigure().Match(Readme);
        Assert.True(match.Success, "The README should show ./test.sh's closing line, e.g. `885 passed, 0 failed, 0 skipped`.");
        var stated = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        // Facts and inline theory rows, counted from the sources; member-data theories add a few more at run time.
        var counted = Directory.EnumerateFiles(Path.Combine(Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Sum(f => TestCase().Matches(File.ReadAllText(f)).Count);

        Assert.InRange(stated, (int)(counted * 0.95), (int)(counted * 1.15));
    }

    [Theory]
    [InlineData("are being built")]
    [InlineData("being built on top")]
    public void Readme_DoesNotCallBuiltThingsUnbuilt(string stale)
    {
        Assert.DoesNotContain(stale, Readme, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"(?m)^\s+([a-z]+)\)$")]
    private static partial Regex BenchCase();

    [GeneratedRegex(@"bench/run\.sh ([a-z]+)\b")]
    private static partial Regex ReadmeBench();

    [GeneratedRegex(@"`(\d+) passed, 0 failed, 0 skipped`")]
    private static partial Regex TestFigure();

    [GeneratedRegex(@"(?m)^\s*\[(Fact|BrowserFact|InlineData)\b")]
    private static partial Regex TestCase();
}
