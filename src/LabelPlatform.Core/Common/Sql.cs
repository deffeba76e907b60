using Npgsql;
using NpgsqlTypes;

namespace LabelPlatform.Common;

/// <summary>Positional-parameter commands ($1, $2, …) for the hand-written SQL of hot and money paths.</summary>
internal static class Sql
{
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, tx);
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
