using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Billing.Webhooks;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>Many movements of one organisation's money at once: the locks and the checks keep every balance exact.</summary>
public class BillingConcurrencyTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    [Fact]
    public async Task Launch_ManyJobsAtOnceWithFundsForSome_LaunchesExactlyWhatTheFundsCover()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var jobs = new List<Job>();
        for (var i = 0; i < 8; i++)
        {
            jobs.Add(await factory.CreateJobWithItemsAsync(researcher, items: 5, answersPerItem: 2, launch: false));
        }

        await factory.FundAsync(researcher.OrganisationId!.Value, 3 * 60 + 59); // three budgets of 60, and a little

        var results = await Task.WhenAll(jobs.Select(j => Task.Run(() =>
            factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(j.Id, j.OrganisationId, JobAction.Launch))));

        Assert.Equal(3, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("insufficient_funds", r.Error!.Code));
        Assert.Equal(59, await factory.FundsAsync(researcher.OrganisationId.Value));
        Assert.Equal(180, (await Task.WhenAll(jobs.Select(j => factory.EscrowAsync(j.Id)))).Sum());
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task PayBonus_ManyAtOnceBeyondTheFunds_NeverOverdraws()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items: 4, answersPerItem: 1, launch: false);
        await factory.FundAsync(job.OrganisationId, 24 + (10 * 120) + 59); // the budget, ten bonuses of 1.00 (+0.20 fee), and a little
        Assert.True((await factory.Services.GetRequiredService<ChangeJobStatus>().HandleAsync(job.Id, job.OrganisationId, JobAction.Launch)).IsSuccess);
        var workers = await factory.InsertWorkersAsync(4);
        foreach (var worker in workers)
        {
            await factory.AnswerNextAsync(job, worker, "cat");
        }

        var funds = await factory.FundsAsync(job.OrganisationId);
        const int take = 10;
        var bonus = factory.Services.GetRequiredService<PayBonus>();
        var results = await Task.WhenAll(Enumerable.Range(0, take + 6).Select(i => Task.Run(() =>
            bonus.HandleAsync(job.OrganisationId, researcher.Id, job.Id, workers[i % 4].Id, 100, "", Guid.NewGuid()))));

        Assert.Equal(take, results.Count(r => r.IsSuccess));
        Assert.All(results.Where(r => !r.IsSuccess), r => Assert.Equal("insufficient_funds", r.Error!.Code));
        Assert.Equal(1_259, funds);
        Assert.Equal(59, await factory.FundsAsync(job.OrganisationId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Webhook_SameCheckoutEventDeliveredManyTimesAtOnce_CreditsOnce()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var started = await factory.Services.GetRequiredService<AddFunds>().HandleAsync(researcher.OrganisationId!.Value, researcher.Id, 60_00, BillingData.Usd);
        factory.Emulator.CompleteCheckout(started.Value!.Id);
        var paid = factory.Emulator.EventFor("checkout.session.completed", started.Value.Id);
        var again = factory.Emulator.CreateEvent(paid.Type, System.Text.Json.Nodes.JsonNode.Parse(paid.Json)!["data"]!["object"]!.DeepClone().AsObject());

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
        {
            var evt = i % 2 == 0 ? paid : again;
            return (await factory.Services.GetRequiredService<StripeWebhook>().HandleAsync(evt.Json, BillingData.Sign(evt.Json))).Value;
        })));

        Assert.Equal(2, outcomes.Count(o => o == WebhookOutcome.Processed));
        Assert.Equal(60_00, await factory.FundsAsync(researcher.OrganisationId.Value));
        Assert.Equal(1, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_transactions WHERE organisation_id = $1 AND kind = 'Funding'", researcher.OrganisationId.Value));
    }

    /// <summary>
    /// Two accepting batches, each short of escrow for a job of organisation A and one of B, whose
    /// escrows sort A-first in one batch and B-first in the other. Locking each organisation's funds
    /// as its escrow came up locked them in opposite orders and deadlocked; funds are now locked
    /// together in id order. A third connection holds A's funds until both batches wait on locks,
    /// so the two run into each other every time, not by chance.
    /// </summary>
    [Fact]
    public async Task PayAnswers_TwoBatchesShortForTwoOrganisationsInOppositeOrder_BothPayWithoutDeadlock()
    {
        var a = await factory.SignUpAsync(AccountKind.Researcher);
        var b = await factory.SignUpAsync(AccountKind.Researcher);
        await factory.FundAsync(a.OrganisationId!.Value, 1_000);
        await factory.FundAsync(b.OrganisationId!.Value, 1_000);
        // Unlaunched jobs: their escrows are empty, so every payment tops up from the organisation's funds.
        var jobsA = new List<Job>();
        var jobsB = new List<Job>();
        (Job A, Job B)? x = null, y = null;
        while (x is null || y is null)
        {
            jobsA.Add(await factory.CreateJobWithItemsAsync(a, items: 2, answersPerItem: 1, launch: false));
            jobsB.Add(await factory.CreateJobWithItemsAsync(b, items: 2, answersPerItem: 1, launch: false));
            var pairs = jobsA.SelectMany(ja => jobsB.Select(jb => (A: ja, B: jb))).ToList();
            x = pairs.Cast<(Job A, Job B)?>().FirstOrDefault(p => Before(p!.Value.A, p.Value.B));
            y = x is null ? null : pairs.Cast<(Job A, Job B)?>().FirstOrDefault(p =>
                p!.Value.A != x.Value.A && p.Value.B != x.Value.B && Before(p.Value.B, p.Value.A));
        }

        var worker = (await factory.InsertWorkersAsync(1))[0];
        async Task<Guid[]> AnswersAsync((Job A, Job B) pair) =>
        [
            .. await factory.InsertSubmissionsAsync(pair.A.Id, [(await FirstItemAsync(pair.A), worker.Id, "cat")]),
            .. await factory.InsertSubmissionsAsync(pair.B.Id, [(await FirstItemAsync(pair.B), worker.Id, "cat")]),
        ];
        var answersX = await AnswersAsync(x.Value);
        var answersY = await AnswersAsync(y.Value);

        await using var blocker = await factory.OpenUnpooledConnectionAsync();
        await using var held = await blocker.BeginTransactionAsync();
        await using (var hold = new NpgsqlCommand("SELECT 1 FROM ledger_accounts WHERE id = $1 FOR UPDATE", blocker, held))
        {
            hold.Parameters.Add(new NpgsqlParameter { Value = LedgerAccount.Funds(a.OrganisationId.Value, BillingData.Usd) });
            await hold.ExecuteNonQueryAsync();
        }

        var (payX, pidX) = await StartPayingAsync(answersX);
        await WaitingForLockAsync(pidX);
        var (payY, pidY) = await StartPayingAsync(answersY);
        await WaitingForLockAsync(pidY);
        await held.CommitAsync();

        await Task.WhenAll(payX, payY); // a deadlock fails one of them with 40P01

        Assert.Equal(4 * 5, await factory.PayableAsync(worker.Id));
        Assert.Equal(4, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_earnings WHERE worker_id = $1", worker.Id));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    // Whether the first job's escrow sorts before the second's, as PostgreSQL orders uuids (their text, byte by byte).
    private static bool Before(Job first, Job second) =>
        string.CompareOrdinal(LedgerAccount.Escrow(first.Id, BillingData.Usd).ToString(), LedgerAccount.Escrow(second.Id, BillingData.Usd).ToString()) < 0;

    private async Task<Guid> FirstItemAsync(Job job) =>
        await factory.ScalarAsync<Guid>("SELECT id FROM items WHERE job_id = $1 ORDER BY ordinal LIMIT 1", job.Id);

    /// <summary>Pays the answers in a transaction of its own connection; returns the running payment and the connection's backend pid.</summary>
    private async Task<(Task Paid, int Pid)> StartPayingAsync(Guid[] answers)
    {
        var connection = await factory.OpenUnpooledConnectionAsync();
        await using (var pid = new NpgsqlCommand("SELECT pg_backend_pid()", connection))
        {
            var backend = (int)(await pid.ExecuteScalarAsync())!;
            return (PayAsync(connection, answers), backend);
        }
    }

    private static async Task PayAsync(NpgsqlConnection connection, Guid[] answers)
    {
        await using (connection)
        {
            await using var tx = await connection.BeginTransactionAsync();
            await using (var pay = new NpgsqlCommand("SELECT ledger_pay_answers($1, now())", connection, tx))
            {
                pay.Parameters.Add(new NpgsqlParameter { Value = answers });
                await pay.ExecuteNonQueryAsync();
            }

            await tx.CommitAsync();
        }
    }

    /// <summary>Waits until the backend is blocked on a row lock: the state the test needs, not a length of time.</summary>
    private async Task WaitingForLockAsync(int pid)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await factory.ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock')", pid))
        {
            Assert.True(DateTime.UtcNow < deadline, $"backend {pid} never waited for a lock");
            await Task.Delay(20);
        }
    }
}
