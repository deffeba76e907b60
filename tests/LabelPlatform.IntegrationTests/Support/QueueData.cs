using LabelPlatform.Accounts;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.CreateJob;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Support;

/// <summary>
/// Big queue setups written straight into the database: thousands of items without the zip
/// importer, hundreds of workers without password hashing. Claims need only the rows and their keys.
/// </summary>
public static class QueueData
{
    /// <summary>A connection of its own, outside every pool, so killed or restarted backends never reach it.</summary>
    public static async Task<NpgsqlConnection> OpenUnpooledConnectionAsync(this LabelPlatformFactory factory)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(factory.Database.ConnectionString) { Pooling = false }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>Worker accounts as bare rows (no password, no role): enough to hold leases and answer.</summary>
    public static async Task<List<AppUser>> InsertWorkersAsync(this LabelPlatformFactory factory, int count)
    {
        var prefix = "worker-" + Guid.NewGuid().ToString("N")[..8];
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:0000}").ToArray();
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using var insert = new NpgsqlCommand(
            """
            INSERT INTO "AspNetUsers" (id, display_name, created_at, user_name, normalized_user_name, email, normalized_email,
                email_confirmed, security_stamp, concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            SELECT id, 'Worker ' || id, now(), id || '@example.test', upper(id || '@example.test'), id || '@example.test', upper(id || '@example.test'),
                true, md5(id), md5(id || 'c'), false, false, true, 0
            FROM unnest($1::text[]) AS id
            """,
            connection);
        insert.Parameters.Add(new NpgsqlParameter { Value = ids });
        Assert.Equal(count, await insert.ExecuteNonQueryAsync());
        return ids.Select(id => new AppUser { Id = id, DisplayName = "Worker " + id }).ToList();
    }

    /// <summary>
    /// A job with <paramref name="items"/> placeholder images (every slot open), launched through
    /// <see cref="ChangeJobStatus"/> unless <paramref name="launch"/> is false.
    /// </summary>
    public static async Task<Job> CreateJobWithItemsAsync(
        this LabelPlatformFactory factory, AppUser researcher, int items, int answersPerItem, int priority = 0, int leaseMinutes = 10, bool launch = true,
        TaskKind kind = TaskKind.ImageClassification, QualityPolicy? quality = null)
    {
        // Fixed overlap unless a test asks otherwise: queue tests count on every item taking exactly its answers.
        var draft = new JobDraft("Queue test job", "Pick the right label.", ["cat", "dog", "bird"], answersPerItem, 5, Priority: priority, LeaseMinutes: leaseMinutes,
            Kind: kind, MaxBoxes: 5, Quality: quality ?? QualityPolicy.FixedOverlap);
        var created = await factory.Services.GetRequiredService<CreateJob>().HandleAsync(draft, researcher.OrganisationId!.Value, researcher.Id);
        Assert.True(created.IsSuccess, created.Error?.Message);
        var job = created.Value!;

        await using (var connection = await factory.OpenUnpooledConnectionAsync())
        await using (var batch = new NpgsqlBatch(connection))
        {
            var fill = new NpgsqlBatchCommand(
                """
                INSERT INTO items (id, job_id, ordinal, source_name, storage_key, content_type, byte_size, width, height, sha256,
                    remaining_slots, created_at)
                SELECT gen_random_uuid(), $1, g, format('img/%s.png', g), format('placeholder/%s/%s.png', $1, g), 'image/png', 100, 8, 8,
                    md5(g::text) || md5(g::text), $2, now()
                FROM generate_series(0, $3 - 1) AS g
                """);
            fill.Parameters.Add(new NpgsqlParameter { Value = job.Id });
            fill.Parameters.Add(new NpgsqlParameter { Value = answersPerItem });
            fill.Parameters.Add(new NpgsqlParameter { Value = items });
            var ready = new NpgsqlBatchCommand("UPDATE jobs SET status = 'Ready' WHERE id = $1 AND status = 'Draft'");
            ready.Parameters.Add(new NpgsqlParameter { Value = job.Id });
            batch.BatchCommands.Add(fill);
            batch.BatchCommands.Add(ready);
            await batch.ExecuteNonQueryAsync();
        }

        if (launch)
        {
            await factory.LaunchAsync(job);
        }

        return job;
    }

    /// <summary>Runs one statement on a connection of its own; returns the rows it changed.</summary>
    public static async Task<int> ExecuteAsync(this LabelPlatformFactory factory, string sql, params object[] parameters)
    {
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs one query on a connection of its own and returns its single value.</summary>
    public static async Task<T> ScalarAsync<T>(this LabelPlatformFactory factory, string sql, params object[] parameters)
    {
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
