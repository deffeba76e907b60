using System.Diagnostics;
using System.Text.Json;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Testing;
using Npgsql;
using Xunit.Abstractions;

namespace LabelPlatform.IntegrationTests.Queue;

/// <summary>
/// The app on a database that already holds a million finished assignments (333,334 items of a
/// completed job, three answers each, by 300 workers), and a running job half-way through.
/// </summary>
public sealed class MillionAnswersFactory : LabelPlatformFactory
{
    public const int FinishedItems = 333_334, AnswersPerFinishedItem = 3, HistoryWorkers = 300;

    public Job Running { get; private set; } = null!;

    public IReadOnlyList<string> RunningWorkers { get; private set; } = [];

    public TimeSpan SetupTime { get; private set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var clock = Stopwatch.StartNew();
        var researcher = await SignUpAsync(AccountKind.Researcher);
        var finished = await this.CreateJobWithItemsAsync(researcher, items: 0, AnswersPerFinishedItem, launch: false);
        var workers = (await this.InsertWorkersAsync(HistoryWorkers)).Select(w => w.Id).ToArray();

        // Generated inside PostgreSQL, so nothing crosses the wire (faster than COPY from here), and
        // with this connection's foreign-key triggers off: the rows are consistent by construction,
        // and the three checks per row took most of the time (26 s instead of 10 s on 2 cores).
        await using (var connection = await this.OpenUnpooledConnectionAsync())
        await using (var history = new NpgsqlBatch(connection) { Timeout = 0 })
        {
            history.BatchCommands.Add(Command("SET session_replication_role = replica"));
            history.BatchCommands.Add(Command(
                """
                INSERT INTO items (id, job_id, ordinal, source_name, storage_key, content_type, byte_size, width, height, sha256,
                    remaining_slots, created_at)
                SELECT gen_random_uuid(), $1, g, format('img/%s.png', g), format('placeholder/%s.png', g), 'image/png', 100, 8, 8,
                    md5(g::text) || md5(g::text), 0, now() - interval '30 days'
                FROM generate_series(0, $3 - 1) AS g
                """,
                finished.Id,
                AnswersPerFinishedItem,
                FinishedItems));
            history.BatchCommands.Add(Command(
                """
                INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at, submitted_at, label)
                SELECT gen_random_uuid(), i.job_id, i.id, ($2::text[])[1 + (i.ordinal * $3 + k) % cardinality($2::text[])], 'Submitted',
                    i.created_at, i.created_at + interval '10 minutes', i.created_at + interval '1 minute', 'cat'
                FROM items i CROSS JOIN generate_series(0, $3 - 1) AS k
                WHERE i.job_id = $1
                """,
                finished.Id,
                workers,
                AnswersPerFinishedItem));
            history.BatchCommands.Add(Command("UPDATE jobs SET status = 'Completed', launched_at = now() - interval '30 days', completed_at = now() WHERE id = $1", finished.Id));
            await history.ExecuteNonQueryAsync();
        }

        Running = await this.CreateJobWithItemsAsync(researcher, items: 3_000, answersPerItem: 3);
        RunningWorkers = workers[..20];
        foreach (var worker in RunningWorkers)
        {
            for (var i = 0; i < 10; i++)
            {
                await this.AnswerNextAsync(Running, new AppUser { Id = worker }, "dog");
            }
        }

        await using (var connection = await this.OpenUnpooledConnectionAsync())
        await using (var analyze = new NpgsqlCommand("ANALYZE", connection) { CommandTimeout = 0 })
        {
            await analyze.ExecuteNonQueryAsync();
        }

        SetupTime = clock.Elapsed;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }
}

public class QueueHistoryTests(MillionAnswersFactory factory, ITestOutputHelper output) : IClassFixture<MillionAnswersFactory>
{
    public static TheoryData<string> PlanModes => ["force_custom_plan", "force_generic_plan"];

    [Theory]
    [MemberData(nameof(PlanModes))]
    public async Task ClaimCandidates_MillionFinishedAssignments_ReadOnlyTheClaimableItemsIndexAndTheItemWorkerIndex(string planMode)
    {
        var (_, workers) = await OpenItemsAndWorkersAsync();

        var plan = await ExplainAsync(planMode, QuerySql("ClaimTransaction", "CandidatesSql"), "uuid, int, text[]", factory.Running.Id, 64, workers);

        Assert.Contains(plan, node => node.Index == "ix_items_claimable");
        Assert.Contains(plan, node => node.Index == "ix_assignments_item_id_worker_id");
        Assert.DoesNotContain(plan, node => node.Type == "Seq Scan");
    }

    [Theory]
    [MemberData(nameof(PlanModes))]
    public async Task EveryOtherClaimQuery_MillionFinishedAssignments_ScansNoTable(string planMode)
    {
        var (_, workers) = await OpenItemsAndWorkersAsync();
        var now = DateTimeOffset.UtcNow;
        var running = factory.Running.Id;
        (string Sql, string Types, object[] Values)[] queries =
        [
            (QuerySql("ClaimTransaction", "ExpireSql"), "uuid, timestamptz", [running, now]),
            (QuerySql("ClaimTransaction", "HeldSql"), "uuid, text[]", [running, workers]),
            (QuerySql("ClaimNextItem", "ClaimOneWaitingSql"), "uuid, text, uuid, timestamptz", [running, workers[0], Guid.CreateVersion7(), now]),
            (QuerySql("ClaimFromPool", "OpenJobsSql"), "text, timestamptz", [workers[0], now]),
        ];

        foreach (var (sql, types, values) in queries)
        {
            var plan = await ExplainAsync(planMode, sql, types, values);

            Assert.True(
                !plan.Any(node => node.Type == "Seq Scan" && node.Relation is "items" or "assignments"),
                $"Sequential scan in the plan of\n{sql}\n{string.Join("\n", plan.Select(n => $"{n.Type} {n.Relation} {n.Index}"))}");
        }
    }

    [Fact]
    public async Task Claim_MillionFinishedAssignments_StillHandsOutTheBestOpenItem()
    {
        output.WriteLine($"Setup of {MillionAnswersFactory.FinishedItems * MillionAnswersFactory.AnswersPerFinishedItem:N0} finished assignments took {factory.SetupTime.TotalSeconds:0.0} s");
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var items = await factory.ItemsAsync(factory.Running.Id);

        var clock = Stopwatch.StartNew();
        var claim = await factory.ClaimAsync(factory.Running, worker);
        output.WriteLine($"One claim with the history in place: {clock.Elapsed.TotalMilliseconds:0.0} ms");

        // The running job's items under way come first: the fewest open slots, then upload order.
        var best = items.Where(i => i.RemainingSlots > 0).OrderBy(i => i.RemainingSlots).ThenBy(i => i.Ordinal).First();
        Assert.Equal(best.Id, claim.Value?.ItemId);
    }

    private async Task<(Guid[] Items, string[] Workers)> OpenItemsAndWorkersAsync()
    {
        var items = (await factory.ItemsAsync(factory.Running.Id)).Where(i => i.RemainingSlots > 0).Take(100).Select(i => i.Id).ToArray();
        return (items, factory.RunningWorkers.ToArray());
    }

    /// <summary>The SQL the product runs, read from its .sql file, so the test cannot drift from it.</summary>
    private static string QuerySql(string type, string constant) =>
        LabelPlatform.Common.Sql.Named($"Queue/ClaimNext/{type}.sql", constant.EndsWith("Sql", StringComparison.Ordinal) ? constant[..^3] : constant);

    /// <summary>
    /// The plan PostgreSQL picks for <paramref name="sql"/> with these values: as one-off statements run
    /// today (custom plan), and as a prepared statement would after a few runs (generic plan).
    /// </summary>
    private async Task<List<PlanNode>> ExplainAsync(string planMode, string sql, string types, params object[] values)
    {
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using (var prepare = new NpgsqlCommand($"SET plan_cache_mode = {planMode}; PREPARE claim_query ({types}) AS {sql}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }

        // EXECUTE takes no bound parameters: the values go in as literals.
        var arguments = string.Join(", ", values.Select(Literal));
        await using var explain = new NpgsqlCommand($"EXPLAIN (FORMAT JSON) EXECUTE claim_query ({arguments})", connection);
        var json = (string)(await explain.ExecuteScalarAsync())!;
        using var document = JsonDocument.Parse(json);
        var nodes = new List<PlanNode>();
        Collect(document.RootElement[0].GetProperty("Plan"), nodes);
        output.WriteLine($"{planMode}: {string.Join(" / ", nodes.Select(n => string.Join(' ', new[] { n.Type, n.Relation, n.Index }.OfType<string>())))}");
        return nodes;
    }

    private static string Literal(object value) => value switch
    {
        int number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Guid id => $"'{id}'::uuid",
        Guid[] ids => $"ARRAY[{string.Join(", ", ids.Select(id => $"'{id}'"))}]::uuid[]",
        string text => Quote(text),
        string[] texts => $"ARRAY[{string.Join(", ", texts.Select(Quote))}]::text[]",
        DateTimeOffset at => $"'{at.UtcDateTime:O}'::timestamptz",
        _ => throw new ArgumentException($"No literal for {value.GetType()}"),
    };

    private static string Quote(string text) => $"'{text.Replace("'", "''", StringComparison.Ordinal)}'";

    private static void Collect(JsonElement node, List<PlanNode> nodes)
    {
        nodes.Add(new PlanNode(
            node.GetProperty("Node Type").GetString()!,
            node.TryGetProperty("Relation Name", out var relation) ? relation.GetString() : null,
            node.TryGetProperty("Index Name", out var index) ? index.GetString() : null));
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray())
            {
                Collect(child, nodes);
            }
        }
    }

    private sealed record PlanNode(string Type, string? Relation, string? Index);
}
