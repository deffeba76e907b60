using System.Reflection;
using NetArchTest.Rules;

namespace LabelPlatform.UnitTests.Architecture;

/// <summary>
/// The direction of dependencies (shared/design/architecture.md, ADR 0018): capabilities depend one way, and
/// pages and components call use cases, never the database. Read from the compiled assemblies.
/// </summary>
public class DependencyTests
{
    private static readonly Assembly Core = typeof(Common.Sql).Assembly;
    private static readonly Assembly Web = typeof(Web.WebRoot).Assembly;

    /// <summary>The capabilities of LabelPlatform.Core; Data (the EF model, which maps every capability's
    /// entities) and Common (helpers with no capability) are infrastructure below them all.</summary>
    private static readonly string[] Capabilities = ["Accounts", "Jobs", "Queue", "Labelling", "Review", "Quality", "Billing", "Exports", "Webhooks"];

    private static readonly string[] DatabaseAccess =
    [
        "LabelPlatform.Data.AppDbContext",
        "Microsoft.EntityFrameworkCore.IDbContextFactory`1",
        "Microsoft.EntityFrameworkCore.DbContext",
        "Npgsql.NpgsqlDataSource",
        "Npgsql.NpgsqlConnection",
        "Npgsql.NpgsqlCommand",
    ];

    [Fact]
    public void Capabilities_DependOneWay_NoCycleBetweenThem()
    {
        var edges = Edges();
        var inCycles = edges.Where(e => Reaches(edges, e.To, e.From)).ToHashSet();

        var cycles = inCycles.Select(e => $"{e.From} -> {e.To} ({string.Join(", ", Offenders(e.From, e.To).Take(3))})").ToList();

        Assert.True(cycles.Count == 0, "Dependencies that close a cycle between capabilities (ADR 0018 says which way each may go):\n" + string.Join("\n", cycles));
    }

    /// <summary>
    /// The layers, lowest first (ADR 0018): an answer's pipeline starts at the top (the Queue's submit calls
    /// Review, Quality and Billing in that order; Review calls Quality and Billing), and entities and the
    /// rules on them sit at the bottom. A capability may use those below it, never one above.
    /// </summary>
    private static readonly string[][] Layers =
    [
        ["Accounts", "Labelling"],
        ["Jobs"],
        ["Billing"],
        ["Quality"],
        ["Review"],
        ["Queue"],
        ["Exports"],
        ["Webhooks"],
    ];

    [Fact]
    public void Capabilities_UseOnlyTheLayersBelowThem()
    {
        int Layer(string capability) => Array.FindIndex(Layers, l => l.Contains(capability));
        var upward = Edges().Where(e => Layer(e.From) <= Layer(e.To))
            .Select(e => $"{e.From} -> {e.To} ({string.Join(", ", Offenders(e.From, e.To).Take(3))})").ToList();

        Assert.Equal(Capabilities.Order(), Layers.SelectMany(l => l).Order());
        Assert.True(upward.Count == 0, "Dependencies on a capability at the same level or above (name what you need in the lower one, as IJobFunding does):\n" + string.Join("\n", upward));
    }

    [Fact]
    public void PagesAndComponents_NeverUseTheDatabase()
    {
        var result = Types.InAssembly(Web)
            .That().ResideInNamespace("LabelPlatform.Web.Components")
            .ShouldNot().HaveDependencyOnAny(DatabaseAccess)
            .GetResult();

        Assert.True(result.IsSuccessful, "Components that query the database themselves (call a use case instead):\n"
            + string.Join("\n", result.FailingTypeNames ?? []));
    }

    [Fact]
    public void Edges_FindAKnownDependency()
    {
        // The rule above means something only if the graph sees real dependencies: Review uses Jobs.
        Assert.Contains(("Review", "Jobs"), Edges());
    }

    private static HashSet<(string From, string To)> Edges() =>
        [.. from a in Capabilities from b in Capabilities where a != b && Offenders(a, b).Any() select (a, b)];

    private static IEnumerable<string> Offenders(string from, string to) =>
        Types.InAssembly(Core)
            .That().ResideInNamespace($"LabelPlatform.{from}")
            .ShouldNot().HaveDependencyOnAny(TypesOf(to))
            .GetResult().FailingTypeNames ?? [];

    /// <summary>The capability's own types in Core (not the label maths of LabelPlatform.Quality's assembly,
    /// which shares the namespace and depends on nothing).</summary>
    private static string[] TypesOf(string capability) =>
        [.. Core.GetTypes()
            .Where(t => !t.IsNested && !t.Name.Contains('<') && t.Namespace is { } ns
                && (ns == $"LabelPlatform.{capability}" || ns.StartsWith($"LabelPlatform.{capability}.", StringComparison.Ordinal)))
            .Select(t => t.FullName!)];

    private static bool Reaches(HashSet<(string From, string To)> edges, string start, string goal)
    {
        var seen = new HashSet<string> { start };
        var next = new Queue<string>([start]);
        while (next.TryDequeue(out var at))
        {
            if (at == goal)
            {
                return true;
            }

            foreach (var (_, to) in edges.Where(e => e.From == at && seen.Add(e.To)))
            {
                next.Enqueue(to);
            }
        }

        return false;
    }
}
