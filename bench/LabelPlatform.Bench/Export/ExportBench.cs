using System.Diagnostics;
using LabelPlatform.Data;
using LabelPlatform.Exports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LabelPlatform.Bench.Export;

public sealed record ExportPlan(int Items, int AnswersPerItem, string StorageRoot, string OutputDirectory);

/// <summary>
/// A finished box job of <see cref="ExportPlan.Items"/> settled items (two final boxes each, every answer
/// in: three workers' boxes), exported in each format by the product's own export to a file, one after the
/// other: items/s per format, and the process's peak resident memory during each (the kernel's high-water
/// mark, reset before each format), which must not grow with the job.
/// </summary>
public static class ExportBench
{
    private static readonly Guid Organisation = Guid.Parse("0193a5b0-0000-7000-8000-00000000e001");
    private static readonly Guid Job = Guid.Parse("0193a5b0-0000-7000-8000-00000000e002");
    private const string Researcher = "0193a5b0-0000-7000-8000-00000000e003";
    private const int Workers = 200;

    public static async Task RunAsync(string connectionString, ExportPlan plan)
    {
        var options = new DbContextOptionsBuilder<AppDbContext>();
        DataSetup.Configure(options, connectionString);
        await using (var db = new AppDbContext(options.Options))
        {
            await db.Database.MigrateAsync();
        }

        var seeding = Stopwatch.StartNew();
        await SeedAsync(connectionString, plan);
        Console.WriteLine($"Seeded a box job of {plan.Items:N0} settled items with {plan.AnswersPerItem} answers each in {seeding.Elapsed.TotalSeconds:F1} s");

        using var host = await Review.ReviewHost.StartAsync(connectionString, plan.StorageRoot, 1);
        var export = host.Services.GetRequiredService<ExportJobResults>();
        Directory.CreateDirectory(plan.OutputDirectory);
        var rates = new List<double>();
        var peaks = new List<double>();
        foreach (var format in Enum.GetValues<ExportFormat>())
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            ResetPeakMemory();
            var path = Path.Combine(plan.OutputDirectory, new ExportOptions(format).FileName("bench"));
            var clock = Stopwatch.StartNew();
            long items = 0;
            await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
            {
                var error = await export.WriteAsync(Job, Organisation, new ExportOptions(format), file, new SyncProgress(p => items = p.ItemsDone));
                if (error is not null)
                {
                    throw new InvalidOperationException(error.Message);
                }
            }

            clock.Stop();
            var rate = items / clock.Elapsed.TotalSeconds;
            var peak = PeakMemoryMb();
            rates.Add(rate);
            peaks.Add(peak);
            var mb = new FileInfo(path).Length / 1048576.0;
            Console.WriteLine($"{format,-6} {items,10:N0} items in {clock.Elapsed.TotalSeconds,6:F1} s: {rate,9:N0} items/s, {mb,8:N1} MB written, peak resident memory {peak:N0} MB");
            Measure.Print("export_format", ("format", format.ToString().ToLowerInvariant()), ("items", items), ("seconds", clock.Elapsed.TotalSeconds),
                ("items_per_s", rate), ("mb", mb), ("peak_rss_mb", peak));
            File.Delete(path);
        }

        Measure.Print("export", ("items", plan.Items), ("formats", rates.Count), ("min_items_per_s", rates.Min()), ("peak_rss_mb", peaks.Max()));
    }

    /// <summary>Progress reported on the writer's thread (Progress&lt;T&gt; would post it elsewhere, late).</summary>
    private sealed class SyncProgress(Action<ExportProgress> report) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) => report(value);
    }

    /// <summary>Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current one.</summary>
    private static void ResetPeakMemory()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static double PeakMemoryMb()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return line is null ? Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0
            : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task SeedAsync(string connectionString, ExportPlan plan)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        async Task RunAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
            command.Parameters.AddWithValue("org", Organisation);
            command.Parameters.AddWithValue("job", Job);
            command.Parameters.AddWithValue("researcher", Researcher);
            command.Parameters.AddWithValue("items", plan.Items);
            command.Parameters.AddWithValue("answers", plan.AnswersPerItem);
            command.Parameters.AddWithValue("workers", Workers);
            await command.ExecuteNonQueryAsync();
        }

        await RunAsync("""
            INSERT INTO organisations (id, name, created_at) VALUES (@org, 'Bench Lab', now() - interval '30 days');
            INSERT INTO "AspNetUsers" (id, user_name, normalized_user_name, email, normalized_email, email_confirmed, password_hash, security_stamp,
                concurrency_stamp, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count, display_name, created_at, organisation_id)
            SELECT CASE WHEN n < 0 THEN @researcher ELSE '0193a5b0-0000-7000-8000-' || lpad(n::text, 12, '0') END,
                   'user' || n || '@bench.test', 'USER' || n || '@BENCH.TEST', 'user' || n || '@bench.test', 'USER' || n || '@BENCH.TEST', true, NULL,
                   md5(n::text), md5(n::text), false, false, true, 0, 'User ' || n, now() - interval '30 days', CASE WHEN n < 0 THEN @org END
            FROM generate_series(-1, @workers - 1) AS n;
            INSERT INTO jobs (id, organisation_id, created_by_user_id, name, instructions, kind, labels, answers_per_item, price_per_answer, fee_per_answer,
                currency, status, created_at, launched_at, completed_at, quality_policy, final_labels_at)
            VALUES (@job, @org, @researcher, 'Bench boxes', 'Box every vehicle.', 'BoundingBoxes', ARRAY['car', 'truck', 'bus', 'bicycle'], @answers, 5, 1,
                'USD', 'Completed', now() - interval '20 days', now() - interval '20 days', now() - interval '1 day', '{}'::jsonb, now() + interval '1 day');
            """);
        // Items: 1920x1080 frames with two final boxes each, settled by the crowd over the last twenty days.
        await RunAsync("""
            INSERT INTO items (id, job_id, ordinal, source_name, storage_key, content_type, byte_size, width, height, sha256, remaining_slots, created_at,
                final_answer, final_label, final_confidence, final_source, final_state, final_at)
            SELECT gen_random_uuid(), @job, n, format('drive/%s/frame-%s.jpg', n / 1000, n), format('bench/%s.jpg', n), 'image/jpeg', 250000, 1920, 1080,
                   md5(n::text) || md5(n::text), 0, now() - interval '20 days',
                   jsonb_build_object('labels', '[]'::jsonb, 'boxes', jsonb_build_array(
                       jsonb_build_object('label', 'car', 'x', 100 + n % 500, 'y', 200 + n % 300, 'w', 220.5, 'h', 140.25, 'suggested', false),
                       jsonb_build_object('label', 'bus', 'x', 900 + n % 400, 'y', 300, 'w', 400, 'h', 300.75, 'suggested', false))),
                   NULL, 0.9 + (n % 100) / 1000.0, 'crowd', 'settled', now() - interval '20 days' + (n % 1000) * interval '20 minutes'
            FROM generate_series(0, @items - 1) AS n;
            """);
        await RunAsync("""
            INSERT INTO assignments (id, job_id, item_id, worker_id, status, leased_at, lease_expires_at, submitted_at, answer, review_state)
            SELECT gen_random_uuid(), @job, i.id, '0193a5b0-0000-7000-8000-' || lpad(((i.ordinal * @answers + k) % @workers)::text, 12, '0'), 'Submitted',
                   i.created_at, i.created_at + interval '10 minutes', i.created_at + interval '2 minutes',
                   jsonb_build_object('labels', '[]'::jsonb, 'boxes', jsonb_build_array(
                       jsonb_build_object('label', 'car', 'x', 101 + k, 'y', 200, 'w', 220, 'h', 140, 'suggested', false),
                       jsonb_build_object('label', 'bus', 'x', 900, 'y', 301 + k, 'w', 400, 'h', 300, 'suggested', false))), 'Accepted'
            FROM items i, generate_series(0, @answers - 1) AS k
            WHERE i.job_id = @job;
            ANALYZE items;
            ANALYZE assignments;
            """);
    }
}
