using System.Data.Common;
using System.Text;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace LabelPlatform.Bench.Queue;

/// <summary>
/// EXPLAIN (ANALYZE, BUFFERS) of every statement the product runs for one claim and one submit,
/// taken from the product itself (an EF interceptor), so the plans follow the code as it changes.
/// Each statement is explained just before it runs, in its own transaction and with its own
/// parameters, inside a savepoint that is rolled back; then the real statement runs as usual.
/// </summary>
public static class ClaimPlan
{
    public static async Task RunAsync(string connectionString, string label, string outFile)
    {
        var explainer = new Explainer();
        await using var queue = await ProductQueue.StartAsync(connectionString, explainer);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var find = new NpgsqlCommand("SELECT id FROM jobs WHERE status = 'Running' ORDER BY name LIMIT 1", connection);
        var jobId = (Guid)(await find.ExecuteScalarAsync() ?? throw new InvalidOperationException("No running job."));
        // Worker 7 took part in every load run, so its own history is in the way as it would be in production.
        var workerId = BenchIds.Worker(7);

        explainer.Phase = "claim";
        var claim = await queue.ClaimAsync(jobId, workerId);
        if (claim.ErrorCode is null)
        {
            explainer.Phase = "submit";
            await queue.SubmitAsync(claim.AssignmentId, workerId, "cat");
        }

        var report = new StringBuilder();
        foreach (var s in explainer.Statements)
        {
            report.AppendLine($"-- [{label}] {s.Phase}: {s.Sql.Trim()}").AppendLine(s.Plan).AppendLine();
        }

        await File.WriteAllTextAsync(outFile, report.ToString());

        var claimStatements = explainer.Statements.Where(s => s.Phase == "claim").ToList();
        var main = claimStatements.FirstOrDefault(s => s.Sql.Contains("SKIP LOCKED", StringComparison.OrdinalIgnoreCase))
            ?? claimStatements.OrderByDescending(s => s.ExecutionMs).FirstOrDefault();
        Console.WriteLine($"Statements of one claim and one submit ({label}; job {jobId}, worker {workerId}):");
        foreach (var s in explainer.Statements)
        {
            var sql = string.Join(' ', s.Sql.Split((char[])['\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries));
            Console.WriteLine($"  {s.Phase,-6} {s.ExecutionMs,9:0.000} ms  {(sql.Length > 110 ? sql[..110] + "..." : sql)}");
        }

        if (main is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"Claim statement plan ({label}):");
            Console.WriteLine(main.Plan);
        }

        Measure.Print("plan", ("label", label), ("claim_statement_ms", main?.ExecutionMs ?? 0),
            ("claim_total_ms", claimStatements.Sum(s => s.ExecutionMs)),
            ("submit_total_ms", explainer.Statements.Where(s => s.Phase == "submit").Sum(s => s.ExecutionMs)));
    }

    public sealed record ExplainedStatement(string Phase, string Sql, string Plan, double ExecutionMs);

    private sealed class Explainer : DbCommandInterceptor
    {
        public string Phase { get; set; } = "";

        public List<ExplainedStatement> Statements { get; } = [];

        public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            await ExplainAsync(command, cancellationToken);
            return result;
        }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await ExplainAsync(command, cancellationToken);
            return result;
        }

        public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
        {
            await ExplainAsync(command, cancellationToken);
            return result;
        }

        private async Task ExplainAsync(DbCommand command, CancellationToken ct)
        {
            var connection = (NpgsqlConnection)command.Connection!;
            var inTransaction = command.Transaction is not null;
            await ExecuteAsync(connection, inTransaction ? "SAVEPOINT bench_explain" : "BEGIN", ct);
            string plan;
            try
            {
                await using var explain = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + command.CommandText, connection);
                foreach (NpgsqlParameter p in command.Parameters)
                {
                    explain.Parameters.Add(p.Clone());
                }

                var lines = new List<string>();
                await using (var reader = await explain.ExecuteReaderAsync(ct))
                {
                    while (await reader.ReadAsync(ct))
                    {
                        lines.Add(reader.GetString(0));
                    }
                }

                plan = string.Join('\n', lines);
            }
            catch (PostgresException e)
            {
                plan = "(not explained: " + e.MessageText + ")";
            }

            await ExecuteAsync(connection, inTransaction ? "ROLLBACK TO SAVEPOINT bench_explain" : "ROLLBACK", ct);
            var time = plan.Split('\n').FirstOrDefault(l => l.StartsWith("Execution Time:", StringComparison.Ordinal));
            var ms = time is null ? 0 : double.Parse(time.Split(' ')[2], System.Globalization.CultureInfo.InvariantCulture);
            Statements.Add(new ExplainedStatement(Phase, command.CommandText, plan, ms));
        }

        private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
