using System.Text.RegularExpressions;
using LabelPlatform.Common;
using LabelPlatform.Testing;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Data;

/// <summary>
/// The hand-written SQL in src/LabelPlatform.Core's .sql files (ADR 0017), checked as a whole: every named
/// statement is parsed and planned by PostgreSQL against the migrated schema, so a typo or a renamed
/// column fails here rather than on the path that runs it; and no statement is written twice.
/// </summary>
public class SqlFilesTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly string[] StatementStarts = ["SELECT", "WITH", "UPDATE", "INSERT", "DELETE"];

    private static IEnumerable<(string File, string Name, string Sql)> Statements() =>
        Sql.AllFiles().SelectMany(file => Sql.Statements(file)
            .Where(s => StatementStarts.Contains(FirstWord(s.Value)))
            .Select(s => (file, s.Key, s.Value)));

    [Fact]
    public async Task EveryStatement_IsPreparedByPostgresAgainstTheMigratedSchema()
    {
        var statements = Statements().ToList();
        Assert.True(statements.Count > 100, $"only {statements.Count} statements found: are the .sql files embedded?");
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var failures = new List<string>();
        foreach (var (file, name, sql) in statements)
        {
            try
            {
                await using var prepare = new NpgsqlCommand($"PREPARE checked AS {sql}", connection);
                await prepare.ExecuteNonQueryAsync();
                await using var deallocate = new NpgsqlCommand("DEALLOCATE checked", connection);
                await deallocate.ExecuteNonQueryAsync();
            }
            catch (PostgresException e)
            {
                failures.Add($"{file} {name}: {e.MessageText}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void NoStatement_IsWrittenTwice()
    {
        var twice = Statements()
            .GroupBy(s => Regex.Replace(s.Sql, @"\s+", " ").Trim())
            .Where(g => g.Count() > 1)
            .Select(g => string.Join(" = ", g.Select(s => $"{s.File} {s.Name}")));

        Assert.Empty(twice);
    }

    private static string FirstWord(string sql)
    {
        var lines = sql.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("--", StringComparison.Ordinal));
        return lines.FirstOrDefault()?.Split(' ', '(')[0].ToUpperInvariant() ?? "";
    }
}
