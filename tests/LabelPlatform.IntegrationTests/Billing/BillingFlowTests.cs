using LabelPlatform.Accounts;
using LabelPlatform.Accounts.SignUp;
using LabelPlatform.Billing.Escrow;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.IntegrationTests.Review;
using LabelPlatform.IntegrationTests.Support;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Review.Batches;
using Microsoft.Extensions.DependencyInjection;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>Money through the product's own steps: card top-up, launch, accepted and rejected answers, bonus, cancel, sweep.</summary>
public class BillingFlowTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private const long Price = 5;
    private const long Fee = 1; // 20 % of 5, rounded up
    private const long Unit = Price + Fee;

    private T Get<T>()
        where T : notnull => factory.Services.GetRequiredService<T>();

    private Task<LabelPlatform.Common.Result<JobStatus>> ChangeAsync(Job job, JobAction action) =>
        Get<ChangeJobStatus>().HandleAsync(job.Id, job.OrganisationId, action);

    private async Task<(AppUser Researcher, Job Job)> ReadyJobAsync(int items, int answersPerItem, long funds)
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var job = await factory.CreateJobWithItemsAsync(researcher, items, answersPerItem, launch: false);
        if (funds > 0)
        {
            await factory.FundAsync(job.OrganisationId, funds);
        }

        return (researcher, job);
    }

    private async Task<Job> RunningJobAsync(int items, int answersPerItem, long funds)
    {
        var (_, job) = await ReadyJobAsync(items, answersPerItem, funds);
        var launched = await ChangeAsync(job, JobAction.Launch);
        Assert.True(launched.IsSuccess, launched.Error?.Message);
        return job;
    }

    [Fact]
    public async Task AddFunds_CheckoutPaidAndWebhookDelivered_CreditsTheOrganisation()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var organisation = researcher.OrganisationId!.Value;

        var started = await Get<AddFunds>().HandleAsync(organisation, researcher.Id, 25_00, BillingData.Usd);
        Assert.True(started.IsSuccess, started.Error?.Message);
        Assert.Equal(0, await factory.FundsAsync(organisation));
        factory.Emulator.CompleteCheckout(started.Value!.Id);
        var (status, body) = await factory.DeliverAsync(factory.Emulator.EventFor("checkout.session.completed", started.Value.Id));

        Assert.Equal(200, status);
        Assert.Contains("Processed", body);
        Assert.Equal(25_00, await factory.FundsAsync(organisation));
        Assert.Equal("Completed", await factory.ScalarAsync<string>("SELECT status FROM checkout_sessions WHERE id = $1", started.Value.Id));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task AddFunds_CheckoutExpiresUnpaid_TheSessionIsClosedAndNothingCredited()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var organisation = researcher.OrganisationId!.Value;
        var started = await Get<AddFunds>().HandleAsync(organisation, researcher.Id, 25_00, BillingData.Usd);
        Assert.True(started.IsSuccess, started.Error?.Message);

        factory.Emulator.ExpireCheckout(started.Value!.Id);
        var expired = factory.Emulator.EventFor("checkout.session.expired", started.Value.Id);
        var (status, _) = await factory.DeliverAsync(expired);
        var (again, _) = await factory.DeliverAsync(expired);

        Assert.Equal((200, 200), (status, again));
        Assert.Equal("Expired", await factory.ScalarAsync<string>("SELECT status FROM checkout_sessions WHERE id = $1", started.Value.Id));
        Assert.Equal(0, await factory.FundsAsync(organisation));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Checkout_ExpiredEventAfterTheSessionWasCredited_ChangesNothing()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var organisation = researcher.OrganisationId!.Value;
        var started = (await Get<AddFunds>().HandleAsync(organisation, researcher.Id, 25_00, BillingData.Usd)).Value!;
        factory.Emulator.CompleteCheckout(started.Id);
        await factory.DeliverAsync(factory.Emulator.EventFor("checkout.session.completed", started.Id));

        // An expired event for the same session, late or forged from an older state, must not undo the credit.
        var late = factory.Emulator.CreateEvent("checkout.session.expired", new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = started.Id,
            ["object"] = "checkout.session",
            ["status"] = "expired",
            ["payment_status"] = "unpaid",
        });
        var (status, _) = await factory.DeliverAsync(late);

        Assert.Equal(200, status);
        Assert.Equal("Completed", await factory.ScalarAsync<string>("SELECT status FROM checkout_sessions WHERE id = $1", started.Id));
        Assert.Equal(25_00, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task AddFunds_BelowTheMinimum_RefusedWithoutCallingStripe()
    {
        var researcher = await factory.SignUpAsync(AccountKind.Researcher);
        var sessions = factory.Emulator.CheckoutSessions.Count;

        var refused = await Get<AddFunds>().HandleAsync(researcher.OrganisationId!.Value, researcher.Id, 4_99, BillingData.Usd);

        Assert.Equal("validation", refused.Error?.Code);
        Assert.Contains("5.00 USD", refused.Error!.Message);
        Assert.Equal(sessions, factory.Emulator.CheckoutSessions.Count);
    }

    [Fact]
    public async Task Launch_FundsCoverTheBudget_ReservesEveryAnswerInEscrow()
    {
        var (_, job) = await ReadyJobAsync(items: 10, answersPerItem: 2, funds: 1_000);

        var launched = await ChangeAsync(job, JobAction.Launch);

        Assert.Equal(JobStatus.Running, launched.Value);
        Assert.Equal(20 * Unit, await factory.EscrowAsync(job.Id));
        Assert.Equal(1_000 - (20 * Unit), await factory.FundsAsync(job.OrganisationId));
    }

    [Fact]
    public async Task Launch_FundsShort_RefusedNamingBothAmountsAndNothingMoves()
    {
        var (_, job) = await ReadyJobAsync(items: 10, answersPerItem: 2, funds: 100);

        var refused = await ChangeAsync(job, JobAction.Launch);

        Assert.Equal("insufficient_funds", refused.Error?.Code);
        Assert.Contains("1.20 USD", refused.Error!.Message);
        Assert.Contains("1.00 USD", refused.Error.Message);
        Assert.Equal(JobStatus.Ready, await factory.JobStatusAsync(job.Id));
        Assert.Equal(100, await factory.FundsAsync(job.OrganisationId));
        Assert.Equal(0, await factory.EscrowAsync(job.Id));
    }

    [Fact]
    public async Task Submit_AnswerAcceptedAtSubmit_PaysPriceAndFeeInOneTransaction()
    {
        var job = await RunningJobAsync(items: 3, answersPerItem: 1, funds: 1_000);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        var revenueBefore = await factory.RevenueAsync();

        var claim = await factory.AnswerNextAsync(job, worker, "cat");

        Assert.Equal(Price, await factory.PayableAsync(worker.Id));
        Assert.Equal(2 * Unit, await factory.EscrowAsync(job.Id));
        Assert.Equal(revenueBefore + Fee, await factory.RevenueAsync());
        var entries = await factory.ScalarAsync<string>(
            """
            SELECT string_agg(a.kind || ' ' || e.amount, ', ' ORDER BY a.kind)
            FROM ledger_earnings l JOIN ledger_transactions t ON t.id = l.transaction_id AND t.kind = 'Earning'
            JOIN ledger_entries e ON e.transaction_id = t.id JOIN ledger_accounts a ON a.id = e.account_id
            WHERE l.assignment_id = $1
            """,
            claim.AssignmentId);
        Assert.Equal($"JobEscrow -{Unit}, PlatformRevenue {Fee}, WorkerPayable {Price}", entries);
    }

    [Fact]
    public async Task DecideReviewBatch_RejectedAndApproved_OnlyApprovedAnswersEarn()
    {
        var (digits, flagged) = await ReviewBatchesTests.FlaggedJobAsync(factory, 3);
        var (_, reviewer) = await ReviewBatchesTests.ReviewerAsync(factory);
        var batch = await Get<ClaimReviewBatch>().HandleAsync(reviewer, digits.Job.Id);
        Assert.True(batch.IsSuccess, batch.Error?.Message);
        var rejected = batch.Value!.AssignmentIds[0];
        var escrowBefore = await factory.EscrowAsync(digits.Job.Id);

        var decided = await Get<DecideReviewBatch>().HandleAsync(reviewer, batch.Value.BatchId, [new Rejection(rejected, "Wrong digit")]);

        Assert.True(decided.IsSuccess, decided.Error?.Message);
        var approved = batch.Value.AssignmentIds.Skip(1).ToList();
        Assert.Equal(approved.Count, decided.Value!.Approved);
        var rejectedWorker = (await factory.AssignmentAsync(rejected)).WorkerId;
        Assert.Equal(0, await factory.PayableAsync(rejectedWorker));
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_earnings WHERE assignment_id = $1", rejected));
        foreach (var id in approved)
        {
            Assert.Equal(Price, await factory.PayableAsync((await factory.AssignmentAsync(id)).WorkerId));
        }

        Assert.Equal(escrowBefore - (approved.Count * Unit), await factory.EscrowAsync(digits.Job.Id));
        Assert.Contains(rejected, flagged);
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task ReviewPending_ModelAcceptsRightAnswers_PaysEachOnceEvenWhenReviewedAgain()
    {
        var digits = await factory.CreateDigitsJobAsync(await factory.SignUpAsync(AccountKind.Researcher), 4);
        var workers = await factory.InsertWorkersAsync(4);
        var ids = await factory.InsertSubmissionsAsync(digits.Job.Id, digits.Items.Select((item, i) => (item.ItemId, workers[i].Id, ReviewData.Right(item.Truth))).ToList());
        var escrow = await factory.EscrowAsync(digits.Job.Id);

        await factory.ReviewEverythingAsync();
        await factory.ReviewEverythingAsync();

        var accepted = 0;
        foreach (var (id, worker) in ids.Zip(workers))
        {
            var state = (await factory.AssignmentAsync(id)).ReviewState;
            var paid = state == LabelPlatform.Jobs.ReviewState.Accepted;
            accepted += paid ? 1 : 0;
            Assert.Equal(paid ? Price : 0, await factory.PayableAsync(worker.Id));
            Assert.Equal(paid ? 1 : 0, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_earnings WHERE assignment_id = $1", id));
        }

        Assert.True(accepted >= 3, $"the digits model accepted only {accepted} of 4 right answers");
        Assert.Equal(escrow - (accepted * Unit), await factory.EscrowAsync(digits.Job.Id));
    }

    [Fact]
    public async Task PayBonus_WorkerOnTheJob_MovesBonusAndFeeFromFundsOnce()
    {
        var (researcher, job) = await ReadyJobAsync(items: 2, answersPerItem: 1, funds: 1_000);
        Assert.True((await ChangeAsync(job, JobAction.Launch)).IsSuccess);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        await factory.AnswerNextAsync(job, worker, "dog");
        var funds = await factory.FundsAsync(job.OrganisationId);
        var requestId = Guid.NewGuid();

        var paid = await Get<PayBonus>().HandleAsync(job.OrganisationId, researcher.Id, job.Id, worker.Id, 250, "Careful work", requestId);
        var again = await Get<PayBonus>().HandleAsync(job.OrganisationId, researcher.Id, job.Id, worker.Id, 250, "Careful work", requestId);

        Assert.Equal(PostOutcome.Posted, paid.Value);
        Assert.Equal(PostOutcome.AlreadyPosted, again.Value);
        Assert.Equal(funds - 250 - 50, await factory.FundsAsync(job.OrganisationId));
        Assert.Equal(Price + 250, await factory.PayableAsync(worker.Id));
    }

    [Fact]
    public async Task PayBonus_MoreThanTheFunds_RefusedAndNothingMoves()
    {
        var (researcher, job) = await ReadyJobAsync(items: 1, answersPerItem: 1, funds: 100);
        Assert.True((await ChangeAsync(job, JobAction.Launch)).IsSuccess);
        var worker = (await factory.InsertWorkersAsync(1))[0];
        await factory.AnswerNextAsync(job, worker, "dog");

        var refused = await Get<PayBonus>().HandleAsync(job.OrganisationId, researcher.Id, job.Id, worker.Id, 100, "", Guid.NewGuid());

        Assert.Equal("insufficient_funds", refused.Error?.Code);
        Assert.Equal(100 - Unit, await factory.FundsAsync(job.OrganisationId));
        Assert.Equal(Price, await factory.PayableAsync(worker.Id));
    }

    [Fact]
    public async Task Cancel_WithAnswersPaidAndOneInHand_ReturnsAllButTheAnswerInHand()
    {
        var job = await RunningJobAsync(items: 10, answersPerItem: 1, funds: 1_000);
        var workers = await factory.InsertWorkersAsync(3);
        await factory.AnswerNextAsync(job, workers[0], "cat");
        await factory.AnswerNextAsync(job, workers[1], "cat");
        var leased = await factory.ClaimAsync(job, workers[2]);
        Assert.True(leased.IsSuccess, leased.Error?.Message);

        var cancelled = await ChangeAsync(job, JobAction.Cancel);

        Assert.Equal(JobStatus.Cancelled, cancelled.Value);
        Assert.Equal(Unit, await factory.EscrowAsync(job.Id));
        Assert.Equal(1_000 - (3 * Unit), await factory.FundsAsync(job.OrganisationId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task EscrowSweep_CompletedJobWithEscrowLeft_ReturnsItToFunds()
    {
        var job = await RunningJobAsync(items: 2, answersPerItem: 1, funds: 1_000);
        Assert.True((await factory.PostAsync(Postings.Escrow($"topup:{job.Id}:{Guid.NewGuid()}", job.OrganisationId, job.Id, BillingData.Usd, 40, "Topped up"))).IsSuccess);
        var workers = await factory.InsertWorkersAsync(2);
        await factory.AnswerNextAsync(job, workers[0], "cat");
        await factory.AnswerNextAsync(job, workers[1], "bird");
        Assert.Equal(JobStatus.Completed, await factory.JobStatusAsync(job.Id));
        Assert.Equal(40, await factory.EscrowAsync(job.Id));

        await Get<EscrowSweep>().RunAsync(CancellationToken.None);
        await Get<EscrowSweep>().RunAsync(CancellationToken.None);

        Assert.Equal(0, await factory.EscrowAsync(job.Id));
        Assert.Equal(1_000 - (2 * Unit), await factory.FundsAsync(job.OrganisationId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task EscrowSweep_JobWithGoldGetsMoreSlots_TopsUpTheirGoldAtTheLaunchsRate()
    {
        // 10 real items and 2 gold, gold on 10% of tasks: the launch reserves 20 answers and ceil(20 · 0.1 / 0.9) = 3 gold.
        var (_, job) = await ReadyJobAsync(items: 12, answersPerItem: 2, funds: 1_000);
        await factory.ExecuteAsync(
            "UPDATE items SET gold_answer = $2::jsonb, remaining_slots = 0 WHERE id IN (SELECT id FROM items WHERE job_id = $1 ORDER BY ordinal DESC LIMIT 2)",
            job.Id, LabelPlatform.Labelling.Answer.OneLabel("cat").ToJson());
        Assert.Equal(JobStatus.Running, (await ChangeAsync(job, JobAction.Launch)).Value);
        Assert.Equal(23 * Unit, await factory.EscrowAsync(job.Id));

        // Dynamic overlap asks one more answer on every item: 30 open slots, so ceil(30 · 0.1 / 0.9) = 4 gold, at the same rate.
        await factory.ExecuteAsync("UPDATE items SET remaining_slots = remaining_slots + 1 WHERE job_id = $1 AND gold_answer IS NULL", job.Id);
        await Get<EscrowSweep>().RunAsync(CancellationToken.None);

        Assert.Equal(34 * Unit, await factory.EscrowAsync(job.Id));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    /// <summary>A running job of 2 single-answer items whose funds cover half of 2 more answers per item (as dynamic overlap asks), after a sweep.</summary>
    private async Task<Job> PausedForLackOfFundsAsync()
    {
        var job = await RunningJobAsync(items: 2, answersPerItem: 1, funds: (2 * Unit) + Unit);
        await factory.ExecuteAsync("UPDATE items SET remaining_slots = remaining_slots + 1 WHERE job_id = $1", job.Id);
        await Get<EscrowSweep>().RunAsync(CancellationToken.None);
        return job;
    }

    [Fact]
    public async Task EscrowSweep_RunningJobNeedsMoreThanTheFundsHold_TopsUpWhatTheyCoverAndPauses()
    {
        var job = await PausedForLackOfFundsAsync();

        Assert.Equal(JobStatus.Paused, await factory.JobStatusAsync(job.Id));
        Assert.Equal(3 * Unit, await factory.EscrowAsync(job.Id));
        Assert.Equal(0, await factory.FundsAsync(job.OrganisationId));
        await LedgerChecks.AssertSoundAsync(factory);
    }

    [Fact]
    public async Task Resume_JobPausedForLackOfFunds_RefusedUntilTheFundsCoverTheWork()
    {
        var job = await PausedForLackOfFundsAsync();

        var resumed = await ChangeAsync(job, JobAction.Resume);

        Assert.Equal("insufficient_funds", resumed.Error?.Code);
        Assert.Equal(JobStatus.Paused, await factory.JobStatusAsync(job.Id));
    }

    [Fact]
    public async Task Resume_FundsAddedAfterThePause_TopsUpTheEscrowAndEveryAnswerIsPaidFromIt()
    {
        var job = await PausedForLackOfFundsAsync();
        Assert.Contains("Add funds", (await ChangeAsync(job, JobAction.Resume)).Error!.Message);
        await factory.FundAsync(job.OrganisationId, Unit);
        var revenue = await factory.RevenueAsync();

        Assert.Equal(JobStatus.Running, (await ChangeAsync(job, JobAction.Resume)).Value);
        Assert.Equal(4 * Unit, await factory.EscrowAsync(job.Id));
        foreach (var worker in await factory.InsertWorkersAsync(4))
        {
            await factory.AnswerNextAsync(job, worker, "cat");
        }

        Assert.Equal(0, await factory.EscrowAsync(job.Id));
        Assert.Equal(revenue + (4 * Fee), await factory.RevenueAsync());
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_transactions WHERE job_id = $1 AND kind = 'PlatformCover'", job.Id));
        await LedgerChecks.AssertSoundAsync(factory);
    }
}
