using System.Diagnostics;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Testing;
using Xunit.Abstractions;

namespace LabelPlatform.IntegrationTests.Queue;

/// <summary>
/// A restart drops every database on the test server, so this runs alone: after the parallel
/// collections in this assembly, and (in ./test.sh) after the other test projects.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PostgresRestartCollection
{
    public const string Name = "PostgreSQL restart";

    /// <summary>Trait value that ./test.sh uses to run these tests on their own, after everything else.</summary>
    public const string Category = "RestartsPostgres";
}

[Collection(PostgresRestartCollection.Name)]
[Trait("Category", PostgresRestartCollection.Category)]
public class QueueRestartTests(OutageFactory factory, ITestOutputHelper output) : IClassFixture<OutageFactory>
{
    [Fact]
    public async Task ClaimAndSubmit_PostgresRestartedUnderLoad_WorkersRecoverAndEverySlotIsAnsweredOnce()
    {
        var pgdata = Environment.GetEnvironmentVariable("LP_TEST_PGDATA");
        Assert.False(
            string.IsNullOrWhiteSpace(pgdata),
            "LP_TEST_PGDATA is not set: this test restarts the test PostgreSQL and needs its data directory. " +
            "./test.sh sets it; when running tests by hand, export LP_TEST_PGDATA=<the cluster's data directory> next to LP_TEST_POSTGRES.");
        const int itemCount = 1_000, answersPerItem = 3, slots = itemCount * answersPerItem;
        var job = await factory.CreateJobWithItemsAsync(await factory.SignUpAsync(AccountKind.Researcher), itemCount, answersPerItem);
        var crowd = new ResilientCrowd(factory, job, await factory.InsertWorkersAsync(50));
        var startedBefore = await factory.ScalarAsync<DateTime>("SELECT pg_postmaster_start_time()");

        var run = crowd.RunAsync();
        await crowd.WaitForAnswersAsync(slots * 3 / 10, run);
        var restart = Stopwatch.StartNew();
        await RestartPostgresAsync(pgdata!);
        restart.Stop();
        var answeredAtRestart = crowd.Answered;
        await run.WaitAsync(TimeSpan.FromMinutes(3));

        output.WriteLine($"Restarted PostgreSQL in {restart.Elapsed.TotalSeconds:0.0} s with {answeredAtRestart} of {slots} answers in; faults the workers retried: {crowd.Faults.Count}");
        foreach (var fault in crowd.Faults.GroupBy(f => f).OrderByDescending(g => g.Count()).Take(10))
        {
            output.WriteLine($"  {fault.Count()} × {fault.Key}");
        }

        Assert.True(await factory.ScalarAsync<DateTime>("SELECT pg_postmaster_start_time()") > startedBefore, "PostgreSQL did not restart");
        Assert.True(answeredAtRestart < slots, "the workers had finished before the restart");
        Assert.NotEmpty(crowd.Faults);
        Assert.Equal(slots, crowd.Answered);
        await factory.AssertEverySlotAnsweredExactlyOnceAsync(job);
    }

    /// <summary>
    /// <c>pg_ctl restart</c> reuses the options the server was started with (postmaster.opts), so it
    /// comes back on the same port. As root, runs as the postgres user, as .ci/postgres.sh does.
    /// </summary>
    private static async Task RestartPostgresAsync(string pgdata)
    {
        var pgCtl = Path.Combine(PostgresBinDirectory(pgdata), "pg_ctl");
        // -l: the restarted server must not inherit (and hold open) this process's pipes.
        string[] arguments = ["restart", "-D", pgdata, "-m", "fast", "-w", "-t", "60", "-l", Path.Combine(pgdata, "server.log")];
        var start = Environment.IsPrivilegedProcess
            ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", pgCtl, .. arguments])
            : new ProcessStartInfo(pgCtl, arguments);
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        Assert.True(process.ExitCode == 0, $"{start.FileName} {string.Join(' ', start.ArgumentList)} exited with {process.ExitCode}: {await stdout}{await stderr}");
    }

    /// <summary>The running server's own binaries: postmaster.opts starts with the path of the postgres it ran.</summary>
    private static string PostgresBinDirectory(string pgdata)
    {
        var opts = Path.Combine(pgdata, "postmaster.opts");
        if (File.Exists(opts))
        {
            var postgres = File.ReadAllText(opts).Split(' ', 2)[0].Trim('"');
            if (Path.GetDirectoryName(postgres) is { Length: > 0 } bin && File.Exists(Path.Combine(bin, "pg_ctl")))
            {
                return bin;
            }
        }

        // Like pg_bin() in .ci/postgres.sh: the newest installed version.
        return Directory.GetDirectories("/usr/lib/postgresql")
            .Select(version => Path.Combine(version, "bin"))
            .Where(bin => File.Exists(Path.Combine(bin, "pg_ctl")))
            .OrderBy(bin => int.TryParse(Path.GetFileName(Path.GetDirectoryName(bin)), out var major) ? major : 0)
            .LastOrDefault()
            ?? throw new InvalidOperationException($"Cannot find pg_ctl: {opts} names no postgres binary and /usr/lib/postgresql has none.");
    }
}
