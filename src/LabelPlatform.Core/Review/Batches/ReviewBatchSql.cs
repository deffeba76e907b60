using Npgsql;

namespace LabelPlatform.Review.Batches;

/// <summary>The SQL that more than one batch use case runs.</summary>
internal static class ReviewBatchSql
{
    /// <summary>
    /// Closes every open batch whose lease ran out and lets its submissions go: the claim runs it
    /// before taking a batch, and so does the recurring job, so an abandoned batch returns either way.
    /// $1: now. Returns how many batches expired.
    /// </summary>
    public const string Expire = """
        WITH expired AS (
            UPDATE review_batches SET status = 'Expired', closed_at = $1
            WHERE status = 'Open' AND lease_expires_at <= $1
            RETURNING id
        ), released AS (
            UPDATE assignments SET review_batch_id = NULL
            FROM expired WHERE assignments.review_batch_id = expired.id
            RETURNING 1
        )
        SELECT count(*)::int FROM expired
        """;

    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] values) =>
        Common.Sql.Command(connection, tx, sql, values);
}
