using LabelPlatform.Common;
using Npgsql;

namespace LabelPlatform.Review.Batches;

/// <summary>Closes abandoned review batches and puts their submissions back in the reviewers' queue. Safe to run any number of times, on any node.</summary>
public sealed class ExpireReviewBatches(NpgsqlDataSource dataSource, TimeProvider clock)
{
    public async Task<int> HandleAsync(CancellationToken ct = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var expire = Sql.Command(connection, null, ReviewBatchSql.Expire, clock.GetUtcNow());
        return (int)(await expire.ExecuteScalarAsync(ct))!;
    }
}
