using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Common;

/// <summary>
/// The one way to run hand-written SQL (ADR 0017): statements live in a <c>.sql</c> file beside the
/// use case that runs them, one <c>-- name: X</c> block each, and run as positional-parameter
/// commands ($1, $2, …).
/// </summary>
internal static class Sql
{
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Files = new();

    /// <summary>
    /// The statement named <paramref name="name"/> in <paramref name="file"/> (a path under
    /// src/LabelPlatform.Core). A <c>{Fragment}</c> in it is replaced by the block of that name in the
    /// same file, so a condition two statements share is written once.
    /// </summary>
    public static string Named(string file, string name) =>
        Statements(file).TryGetValue(name, out var sql)
            ? sql
            : throw new InvalidOperationException($"{file} has no statement named {name}.");

    /// <summary>Every named block of <paramref name="file"/>, fragments expanded.</summary>
    public static IReadOnlyDictionary<string, string> Statements(string file) => Files.GetOrAdd(file, Load);

    /// <summary>The .sql files compiled into this assembly.</summary>
    public static IEnumerable<string> AllFiles() =>
        typeof(Sql).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private static IReadOnlyDictionary<string, string> Load(string file)
    {
        using var stream = typeof(Sql).Assembly.GetManifestResourceStream(file)
            ?? throw new InvalidOperationException($"No SQL file {file} is compiled into {typeof(Sql).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        var blocks = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        var text = new StringBuilder();
        void Close()
        {
            if (name is not null && !blocks.TryAdd(name, text.ToString().Trim()))
            {
                throw new InvalidOperationException($"{file} names {name} twice.");
            }
        }

        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith(NameMarker, StringComparison.Ordinal))
            {
                Close();
                name = line[NameMarker.Length..].Trim();
                text.Clear();
            }
            else if (name is not null)
            {
                text.AppendLine(line);
            }
        }

        Close();
        return blocks.ToDictionary(b => b.Key, b => FragmentReference.Replace(b.Value, m => blocks.TryGetValue(m.Groups[1].Value, out var fragment) ? fragment : m.Value));
    }

    private const string NameMarker = "-- name:";

    private static readonly Regex FragmentReference = new(@"\{(\w+)\}", RegexOptions.Compiled);

    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
        command.Parameters.AddRange(values.Select(Parameter).ToArray());
        return command;
    }

    /// <summary>A command on a connection of its own from the pool, for a statement that needs no transaction of the caller's.</summary>
    public static NpgsqlCommand Command(NpgsqlDataSource dataSource, string sql, params object?[] values)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.AddRange(values.Select(Parameter).ToArray());
        return command;
    }

    /// <summary>Runs one statement; returns the rows it changed.</summary>
    public static async Task<int> ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken ct, params object?[] values)
    {
        await using var command = Command(connection, tx, sql, values);
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The same, as one command of an <see cref="NpgsqlBatch"/> (several statements, one round trip).</summary>
    public static NpgsqlBatchCommand BatchCommand(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(values.Select(Parameter).ToArray());
        return command;
    }

    /// <summary>A named statement's rows through EF, for use cases that already hold a context (columns snake_case, as the model's).</summary>
    public static IQueryable<T> Query<T>(DatabaseFacade database, string sql, params object[] values) =>
        database.SqlQueryRaw<T>(ForEf(sql), values);

    /// <summary>Runs a named statement on an EF context's connection, inside its transaction if it has one.</summary>
    public static Task<int> ExecuteAsync(DatabaseFacade database, string sql, CancellationToken ct, params object[] values) =>
        database.ExecuteSqlRawAsync(ForEf(sql), values, ct);

    /// <summary>
    /// EF's raw SQL takes its parameters as <c>{0}</c>, <c>{1}</c> and names them itself: the named
    /// statement's <c>$1</c>, <c>$2</c> become those (EF does not pass positional parameters through).
    /// </summary>
    public static string ForEf(string sql) => PositionalParameter.Replace(sql, m => $"{{{int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) - 1}}}");

    private static readonly Regex PositionalParameter = new(@"\$(\d+)", RegexOptions.Compiled);

    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        NpgsqlParameter given => given,
        DateTimeOffset at => new NpgsqlParameter { Value = at, NpgsqlDbType = NpgsqlDbType.TimestampTz },
        null => new NpgsqlParameter { Value = DBNull.Value },
        _ => new NpgsqlParameter { Value = value },
    };

    public static NpgsqlParameter NullableText(IEnumerable<string?> values) =>
        new() { Value = values.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
}
