using System.Diagnostics;
using Hangfire;
using Hangfire.PostgreSql;

namespace LabelPlatform.Bench.Peers;

/// <summary>The job Hangfire runs: nothing but a count, so the drain measures the queue alone.</summary>
public static class NoOpJob
{
    private static long _done;
    private static long _firstAt;
    private static long _lastAt;

    public static long Done => Interlocked.Read(ref _done);

    public static long FirstAt => Interlocked.Read(ref _firstAt);

    public static long LastAt => Interlocked.Read(ref _lastAt);

    public static void Run()
    {
        var now = Stopwatch.GetTimestamp();
        Interlocked.CompareExchange(ref _firstAt, now, 0);
        Interlocked.Increment(ref _done);
        Interlocked.Exchange(ref _lastAt, now);
    }
}

/// <summary>
/// Hangfire.PostgreSql as shipped (default fetch and QueuePollInterval): enqueue no-op jobs, then time
/// one server with the given worker count draining them, from the first job run to the last or to
/// the end of the window, whichever comes first.
/// </summary>
public static class HangfireDrain
{
    public static void Run(string connectionString, int jobs, int workers, TimeSpan window)
    {
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), new PostgreSqlStorageOptions
            {
                SchemaName = "hangfire",
                PrepareSchemaIfNecessary = true,
            });

        var enqueue = Stopwatch.StartNew();
        var client = new BackgroundJobClient();
        Parallel.For(0, jobs, new ParallelOptions { MaxDegreeOfParallelism = 16 }, _ => client.Enqueue(() => NoOpJob.Run()));
        Console.WriteLine($"hangfire: enqueued {jobs:N0} jobs in {enqueue.Elapsed.TotalSeconds:0.0} s");

        var started = Stopwatch.GetTimestamp();
        long done;
        long end;
        using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers }))
        {
            while (true)
            {
                done = NoOpJob.Done;
                var first = NoOpJob.FirstAt;
                if (done >= jobs)
                {
                    end = NoOpJob.LastAt;
                    break;
                }

                if (first != 0 && Stopwatch.GetElapsedTime(first) >= window)
                {
                    end = Stopwatch.GetTimestamp();
                    break;
                }

                if (first == 0 && Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(60))
                {
                    throw new TimeoutException("Hangfire ran no job within 60 s.");
                }

                Thread.Sleep(20);
            }
        }

        var seconds = Stopwatch.GetElapsedTime(NoOpJob.FirstAt, end).TotalSeconds;
        Console.WriteLine($"hangfire: {workers} workers ran {done:N0} of {jobs:N0} jobs in {seconds:0.0} s = {done / seconds:N0}/s");
        Measure.Print("hangfire", ("workers", workers), ("jobs", jobs), ("done", done), ("seconds", seconds), ("jobs_per_s", done / seconds));
    }
}
