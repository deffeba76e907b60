using LabelPlatform.Billing.Ledger;

namespace LabelPlatform.UnitTests.Billing;

public class PostingsTests
{
    private static readonly Guid Org = Guid.NewGuid();
    private static readonly Guid Job = Guid.NewGuid();
    private static readonly Guid Payout = Guid.NewGuid();

    public static TheoryData<string> Kinds() => new(AllPostings().Select(p => p.Key.Split(':')[0]));

    private static IEnumerable<Posting> AllPostings() =>
    [
        Postings.Funding(Org, "USD", 2_000, "cs_test_1"),
        Postings.ManualCredit(Org, "USD", 2_000, "Invoice 17", "admin", Guid.NewGuid()),
        Postings.Escrow("launch:x", Org, Job, "USD", 600, "launch"),
        Postings.Release("release:x", Org, Job, "USD", 100, "unused"),
        Postings.Bonus(Guid.NewGuid(), Org, Job, "worker-1", "USD", 50, 10, "thanks", "researcher"),
        Postings.PayoutStarted(Payout, "worker-1", "USD", 500),
        Postings.PayoutSent(Payout, "worker-1", "USD", 500, "tr_1"),
        Postings.PayoutFailed(Payout, "worker-1", "USD", 500, "account closed"),
        Postings.PayoutReversed(Payout, "worker-1", "USD", 200, 200, "tr_1"),
    ];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Posting_EveryKind_Balances(string kind)
    {
        var posting = AllPostings().Single(p => p.Key.Split(':')[0] == kind);

        Assert.True(posting.IsBalanced, $"{kind} does not balance");
        Assert.Equal(0, posting.Lines.Sum(l => l.Amount));
    }

    [Fact]
    public void Bonus_FeeOnTop_FundsPayBothWorkerAndPlatform()
    {
        var bonus = Postings.Bonus(Guid.NewGuid(), Org, Job, "worker-1", "USD", 50, 10, "thanks", "researcher");

        Assert.Equal(-60, bonus.Lines.Single(l => l.Kind == LedgerAccountKind.ResearcherFunds).Amount);
        Assert.Equal(50, bonus.Lines.Single(l => l.Kind == LedgerAccountKind.WorkerPayable).Amount);
        Assert.Equal(10, bonus.Lines.Single(l => l.Kind == LedgerAccountKind.PlatformRevenue).Amount);
    }

    [Fact]
    public void PayoutReversed_KeyedByReversedTotal_SecondPartialReversalIsANewPosting()
    {
        var first = Postings.PayoutReversed(Payout, "w", "USD", 200, 200, "tr_1");
        var second = Postings.PayoutReversed(Payout, "w", "USD", 300, 500, "tr_1");

        Assert.NotEqual(first.Key, second.Key);
        Assert.Equal(first.Key, Postings.PayoutReversed(Payout, "w", "USD", 200, 200, "tr_1").Key);
    }

    [Fact]
    public void IdOf_SameAsPostgresMd5Uuid()
    {
        // Postgres reads md5(...) text as a uuid in this hyphenated form; SQL and C# must name the same account.
        var hex = Convert.ToHexString(System.Security.Cryptography.MD5.HashData("StripeClearing::USD"u8.ToArray())).ToLowerInvariant();
        var postgres = $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";

        Assert.Equal(postgres, LedgerAccount.Clearing("USD").ToString());
    }
}
