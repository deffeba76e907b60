using LabelPlatform.Common;

namespace LabelPlatform.Review.Batches;

/// <summary>The SQL that more than one batch use case runs.</summary>
internal static class ReviewBatchSql
{
    /// <summary>
    /// Closes every open batch whose lease ran out and lets its submissions go: the claim runs it
    /// before taking a batch, and so does the recurring job, so an abandoned batch returns either way.
    /// $1: now. Returns how many batches expired.
    /// </summary>
    public static readonly string Expire = Sql.Named("Review/Batches/ReviewBatchSql.sql", "Expire");
}
