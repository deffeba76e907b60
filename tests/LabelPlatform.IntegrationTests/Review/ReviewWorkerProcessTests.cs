using System.Diagnostics;
using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Review.Flagged;
using LabelPlatform.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace LabelPlatform.IntegrationTests.Review;

/// <summary>
/// Review end to end: the real worker process, real Hangfire on the review queue, the real
/// database and the digits model; the worker killed in the middle of a batch and started again.
/// </summary>
public class ReviewWorkerProcessTests(LabelPlatformFactory factory, ITestOutputHelper output) : IClassFixture<LabelPlatformFactory>
{
    /// <summary>Answers per job; the first job's are all older, so the worker takes them first.</summary>
    private const int AnswersPerJob = 150;
    private const int AnswerCount = 2 * AnswersPerJob;
    private const int BatchSize = 10;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task WorkerKilledMidBatch_RestartedWorkerFinishes_EveryAnswerJudgedExactlyOnce()
    {
        var clock = Stopwatch.StartNew();
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var first = await factory.CreateDigitsJobAsync(researcher, AnswersPerJob);
        var second = await factory.CreateDigitsJobAsync(researcher, AnswersPerJob);
        var workers = await factory.InsertWorkersAsync(AnswersPerJob);

        // One answer in three is a wrong digit: the model accepts most right ones and flags the wrong ones.
        List<(Guid, string, string)> AnswersTo(DigitsJob job) => job.Items
            .Select((item, i) => (item.ItemId, workers[i].Id, i % 3 == 0 ? ReviewData.Wrong(item.Truth) : ReviewData.Right(item.Truth)))
            .ToList();
        await factory.InsertSubmissionsAsync(first.Job.Id, AnswersTo(first), DateTimeOffset.UtcNow.AddHours(-2));
        await factory.InsertSubmissionsAsync(second.Job.Id, AnswersTo(second), DateTimeOffset.UtcNow.AddHours(-1));
        Guid[] jobs = [first.Job.Id, second.Job.Id];
        output.WriteLine($"{AnswerCount} answers waiting after {clock.Elapsed.TotalSeconds:0.0} s");

        // The test holds the second job's model row: a batch of the second job waits for it when it
        // writes its verdicts (their foreign key), inside its transaction, with its answers locked
        // and judged. So the worker reviews the whole first job, then is caught mid-batch.
        await using var blocker = await factory.OpenUnpooledConnectionAsync();
        var hold = await blocker.BeginTransactionAsync();
        Assert.Equal(1, await CountAsync(blocker, "SELECT count(*)::int FROM (SELECT id FROM review_models WHERE id = $1 FOR UPDATE) m", second.ModelId));

        var applicationName = "lp-review-worker-" + factory.Database.Name;
        var settings = new Dictionary<string, string>
        {
            ["Review:BatchSize"] = BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Review:IntraOpThreads"] = "1",
            // One Hangfire worker: one batch after another, so the batches before the held one all land.
            ["BackgroundJobs:WorkerCount"] = "1",
        };

        int reviewedBeforeKill;
        int firstPid;
        await using (var worker = AppProcess.Start(AppProcess.ReviewWorker, [], factory, applicationName, settings))
        {
            firstPid = worker.Id;
            await WaitUntilAsync(worker, "the first worker is stuck writing the held batch", async () => await CountAsync(
                """
                SELECT count(*)::int FROM pg_stat_activity
                WHERE datname = current_database() AND application_name = $1 AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO verdicts%'
                """,
                applicationName) == 1);
            reviewedBeforeKill = await VerdictCountAsync(jobs);
            output.WriteLine($"First worker (pid {firstPid}) judged {reviewedBeforeKill} answers and is mid-batch at {clock.Elapsed.TotalSeconds:0.0} s; killing it");
            await worker.KillAsync();
        }

        // Let the held batch go: its server session writes the verdicts, finds its client gone and rolls back.
        await hold.RollbackAsync();
        await WaitUntilAsync(null, "the killed worker's sessions have ended", async () =>
            await CountAsync("SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1", applicationName) == 0);

        // The first job was all judged; the batch the worker died in left nothing behind.
        Assert.Equal(AnswersPerJob, reviewedBeforeKill);
        Assert.Equal(reviewedBeforeKill, await VerdictCountAsync(jobs));
        Assert.Equal(AnswersPerJob, await PendingAsync(second.Job.Id));

        int secondPid;
        await using (var worker = AppProcess.Start(AppProcess.ReviewWorker, [], factory, applicationName, settings))
        {
            secondPid = worker.Id;
            await WaitUntilAsync(worker, "no answer waits for the model", async () => await PendingAsync(second.Job.Id) == 0);
            output.WriteLine($"Second worker (pid {secondPid}) finished at {clock.Elapsed.TotalSeconds:0.0} s");
            await WaitUntilAsync(worker, "the second worker's review job has succeeded in Hangfire", async () =>
                await ReviewJobsAsync("Succeeded", secondPid) > 0);
        }

        // Exactly once: one verdict per answer, each with the model's evidence, and the answer's state is its verdict's outcome.
        Assert.Equal(AnswerCount, await VerdictCountAsync(jobs));
        Assert.Equal(AnswerCount, await CountAsync("SELECT count(DISTINCT assignment_id)::int FROM verdicts WHERE job_id = ANY($1)", jobs));
        Assert.Equal(AnswerCount, await CountAsync(
            """
            SELECT count(*)::int FROM assignments a JOIN verdicts v ON v.assignment_id = a.id
            WHERE a.job_id = ANY($1) AND a.review_state = v.outcome AND v.model_version = 1 AND jsonb_array_length(v.evidence -> 'top') = 3
            """,
            jobs));
        var accepted = await CountAsync("SELECT count(*)::int FROM assignments WHERE job_id = ANY($1) AND review_state = 'Accepted'", jobs);
        var flagged = await CountAsync("SELECT count(*)::int FROM assignments WHERE job_id = ANY($1) AND review_state = 'NeedsReview'", jobs);
        Assert.True(accepted > 0 && flagged >= AnswerCount / 3 && accepted + flagged == AnswerCount, $"{accepted} accepted, {flagged} flagged");

        // Through Hangfire on the review queue: the killed run never finished; the second worker's run did.
        Assert.Equal(0, await CountAsync(
            """
            SELECT count(*)::int FROM hangfire.state s JOIN hangfire.job j ON j.id = s.jobid
            WHERE s.name = 'Enqueued' AND j.invocationdata::text LIKE '%ReviewJob%' AND s.data::jsonb ->> 'Queue' <> 'review'
            """));
        Assert.Equal(1, await ReviewJobsAsync("Processing", firstPid));
        Assert.Equal(0, await ReviewJobsAsync("Succeeded", firstPid));

        // Reviewers see the flagged ones, by job.
        var queue = await factory.Services.GetRequiredService<FlaggedSubmissions>()
            .HandleAsync(ReviewData.Principal("a-reviewer", Roles.Reviewer), new FlaggedQuery(Take: FlaggedSubmissions.MaxTake));
        Assert.Equal(flagged, queue.Value!.Jobs.Where(j => jobs.Contains(j.JobId)).Sum(j => j.Flagged));
        Assert.Equal(Math.Min(flagged, FlaggedSubmissions.MaxTake), queue.Value.Submissions.Count(s => jobs.Contains(s.JobId)));
        Assert.All(queue.Value.Submissions, s => Assert.Equal(3, VerdictEvidence.Parse(s.Evidence).TopClasses.Count));
        output.WriteLine($"{accepted} accepted, {flagged} flagged; whole test {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Review jobs whose current state is <paramref name="state"/> and that a worker process with this id took.</summary>
    private Task<int> ReviewJobsAsync(string state, int pid) => CountAsync(
        """
        SELECT count(DISTINCT j.id)::int FROM hangfire.job j JOIN hangfire.state s ON s.jobid = j.id
        WHERE j.invocationdata::text LIKE '%ReviewJob%' AND j.statename = $1
          AND s.name = 'Processing' AND s.data::jsonb ->> 'ServerId' LIKE $2
        """,
        state,
        $"worker:%:{pid}:%");

    private Task<int> VerdictCountAsync(Guid[] jobs) => CountAsync("SELECT count(*)::int FROM verdicts WHERE job_id = ANY($1)", jobs);

    private Task<int> PendingAsync(Guid jobId) => CountAsync("SELECT count(*)::int FROM assignments WHERE job_id = $1 AND review_state = 'Pending'", jobId);

    private async Task<int> CountAsync(string sql, params object[] parameters)
    {
        await using var connection = await factory.OpenUnpooledConnectionAsync();
        return await CountAsync(connection, sql, parameters);
    }

    private static async Task<int> CountAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (int)(await command.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(AppProcess? worker, string what, Func<Task<bool>> condition)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > Patience)
            {
                Assert.Fail($"Waited {Patience.TotalSeconds} s for {what}.{(worker is null ? "" : $" The worker wrote:{Environment.NewLine}{worker.Output}")}");
            }

            await Task.Delay(50);
        }
    }
}
