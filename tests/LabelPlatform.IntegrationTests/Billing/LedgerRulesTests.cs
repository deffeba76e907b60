using LabelPlatform.Billing.Ledger;
using LabelPlatform.IntegrationTests.Support;
using Npgsql;

namespace LabelPlatform.IntegrationTests.Billing;

/// <summary>The rules the database itself keeps, whatever code writes to it (ADR 0013).</summary>
public class LedgerRulesTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    private async Task<(Guid Organisation, Guid Transaction)> CreditedAsync(long amount)
    {
        var organisation = Guid.NewGuid();
        var requestId = Guid.NewGuid();
        Assert.True((await factory.PostAsync(Postings.ManualCredit(organisation, BillingData.Usd, amount, "Invoice 1", "admin", requestId))).IsSuccess);
        var transaction = await factory.ScalarAsync<Guid>("SELECT id FROM ledger_transactions WHERE idempotency_key = $1", $"credit:{requestId}");
        return (organisation, transaction);
    }

    private async Task<PostgresException> RefusedAsync(string sql, params object[] parameters) =>
        await Assert.ThrowsAsync<PostgresException>(() => factory.ExecuteAsync(sql, parameters));

    [Fact]
    public async Task InsertEntries_NotSummingToZero_RefusedAndNothingWritten()
    {
        var (organisation, _) = await CreditedAsync(1_000);
        var funds = LedgerAccount.Funds(organisation, BillingData.Usd);
        var clearing = LedgerAccount.Clearing(BillingData.Usd);

        var refused = await RefusedAsync(
            """
            WITH tx AS (
                INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, memo, created_at)
                VALUES (gen_random_uuid(), 'by-hand', 'ManualCredit', 'USD', $3, '', now()) RETURNING id
            )
            INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
            SELECT tx.id, e.account, e.amount, 'USD' FROM tx, (VALUES ($1::uuid, 500::bigint), ($2::uuid, -400::bigint)) AS e(account, amount)
            """,
            funds, clearing, organisation);

        Assert.Equal("23514", refused.SqlState);
        Assert.Contains("does not balance", refused.MessageText);
        Assert.Equal(1_000, await factory.FundsAsync(organisation));
        Assert.Equal(0, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_transactions WHERE idempotency_key = 'by-hand'"));
    }

    [Fact]
    public async Task InsertEntry_OneSidedIntoExistingTransaction_Refused()
    {
        var (organisation, transaction) = await CreditedAsync(700);

        var refused = await RefusedAsync(
            "INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, 300, 'USD')",
            transaction, LedgerAccount.Funds(organisation, BillingData.Usd));

        Assert.Equal("23514", refused.SqlState);
        Assert.Equal(700, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task InsertEntries_AccountOrTransactionThatDoesNotExist_Refused()
    {
        var (organisation, transaction) = await CreditedAsync(300);
        var funds = LedgerAccount.Funds(organisation, BillingData.Usd);
        var nowhere = LedgerAccount.Funds(Guid.NewGuid(), BillingData.Usd);

        var noAccount = await RefusedAsync(
            "INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, 100, 'USD'), ($1, $3, -100, 'USD')",
            transaction, nowhere, funds);
        var noTransaction = await RefusedAsync(
            "INSERT INTO ledger_entries (transaction_id, account_id, amount, currency) VALUES ($1, $2, 100, 'USD'), ($1, $3, -100, 'USD')",
            Guid.NewGuid(), LedgerAccount.Clearing(BillingData.Usd), funds);

        Assert.Equal(("23503", "23503"), (noAccount.SqlState, noTransaction.SqlState));
        Assert.Contains("does not exist", noAccount.MessageText);
        Assert.Equal(300, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task UpdateEntry_AnyChange_RefusedAsAppendOnly()
    {
        var (organisation, transaction) = await CreditedAsync(900);

        var updated = await RefusedAsync("UPDATE ledger_entries SET amount = amount * 2 WHERE transaction_id = $1", transaction);
        var deleted = await RefusedAsync("DELETE FROM ledger_entries WHERE transaction_id = $1", transaction);
        var memo = await RefusedAsync("UPDATE ledger_transactions SET memo = 'changed' WHERE id = $1", transaction);

        Assert.All(new[] { updated, deleted, memo }, e => Assert.Contains("append-only", e.MessageText));
        Assert.Equal(900, await factory.FundsAsync(organisation));
        Assert.Equal(2, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_entries WHERE transaction_id = $1", transaction));
    }

    [Fact]
    public async Task PostAsync_MoreThanTheFunds_RefusedWithBothAmountsAndNothingWritten()
    {
        var (organisation, _) = await CreditedAsync(1_000);
        var entriesBefore = await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_entries");

        var posted = await factory.PostAsync(Postings.Escrow($"launch:{Guid.NewGuid()}", organisation, Guid.NewGuid(), BillingData.Usd, 1_250, "Launch"));

        Assert.Equal("insufficient_funds", posted.Error?.Code);
        Assert.Contains("12.50 USD", posted.Error!.Message);
        Assert.Contains("10.00 USD", posted.Error.Message);
        Assert.Equal(1_000, await factory.FundsAsync(organisation));
        Assert.Equal(entriesBefore, await factory.ScalarAsync<long>("SELECT count(*) FROM ledger_entries"));
    }

    [Fact]
    public async Task InsertEntries_BalancedButOverdrawingFunds_RefusedByTheCheck()
    {
        // Code that skips the writer's check (a bug, a console) still cannot make funds negative.
        var (organisation, _) = await CreditedAsync(100);

        var refused = await RefusedAsync(
            """
            WITH tx AS (
                INSERT INTO ledger_transactions (id, idempotency_key, kind, currency, organisation_id, memo, created_at)
                VALUES (gen_random_uuid(), 'overdraw', 'Escrow', 'USD', $3, '', now()) RETURNING id
            )
            INSERT INTO ledger_entries (transaction_id, account_id, amount, currency)
            SELECT tx.id, e.account, e.amount, 'USD' FROM tx, (VALUES ($1::uuid, -101::bigint), ($2::uuid, 101::bigint)) AS e(account, amount)
            """,
            LedgerAccount.Funds(organisation, BillingData.Usd), LedgerAccount.Clearing(BillingData.Usd), organisation);

        Assert.Equal("23514", refused.SqlState);
        Assert.Contains("balance_not_negative", refused.ConstraintName ?? refused.MessageText);
        Assert.Equal(100, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task PostAsync_SameKeyTwice_PostsOnce()
    {
        var organisation = Guid.NewGuid();
        var requestId = Guid.NewGuid();
        var credit = Postings.ManualCredit(organisation, BillingData.Usd, 2_000, "Invoice 7", "admin", requestId);

        var first = await factory.PostAsync(credit);
        var second = await factory.PostAsync(credit);

        Assert.Equal(PostOutcome.Posted, first.Value);
        Assert.Equal(PostOutcome.AlreadyPosted, second.Value);
        Assert.Equal(2_000, await factory.FundsAsync(organisation));
    }

    [Fact]
    public async Task Balances_AfterManyPostings_EqualTheSumsOfTheirEntries()
    {
        var workers = await factory.PayableWorkersAsync(5, 730);
        foreach (var worker in workers)
        {
            Assert.Equal(730, await factory.PayableAsync(worker.WorkerId));
            Assert.Equal(730, await factory.SumAsync(LedgerAccount.Payable(worker.WorkerId, BillingData.Usd)));
        }

        await LedgerChecks.AssertSoundAsync(factory);
    }
}
