using Bunit;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.Billing.Statements;
using LabelPlatform.Web.Components.Billing;

namespace LabelPlatform.UnitTests.Components;

public class BillingViewsTests : ComponentTestContext
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    private static string Text(AngleSharp.Dom.IElement element) => string.Join(' ', element.TextContent.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void OrganisationStatement_ShowsBalancesPerCurrencyJobsAndSignedLedgerLines()
    {
        var jobId = Guid.NewGuid();
        var statement = new OrganisationStatement(
            [new OrganisationBalance("USD", 1_250, 5_000, 2_000, 1_500, 300, 50), new OrganisationBalance("EUR", 700, 700, 0, 0, 0, 0)],
            [new JobSpend(jobId, "Cats", "USD", 2_000, 1_500, 300, 50)],
            [new LedgerLine(Noon, "Funding", "USD", 5_000, null, "cs_123"), new LedgerLine(Noon, "Bonus", "USD", -240, "Cats", "Great boxes")]);

        var view = Render<OrganisationStatementView>(p => p.Add(v => v.Statement, statement));

        var usd = view.Find("[data-currency=USD]");
        Assert.Equal("12.50 USD", usd.QuerySelector("[data-stat=available] .lp-stat-value")!.TextContent);
        Assert.Equal("50.00 USD", usd.QuerySelector("[data-stat=funded] .lp-stat-value")!.TextContent);
        Assert.Equal("20.00 USD", usd.QuerySelector("[data-stat=escrowed] .lp-stat-value")!.TextContent);
        Assert.Equal("15.00 USD", usd.QuerySelector("[data-stat=spent] .lp-stat-value")!.TextContent);
        Assert.Equal("3.00 USD", usd.QuerySelector("[data-stat=fees] .lp-stat-value")!.TextContent);
        Assert.Equal("0.50 USD", usd.QuerySelector("[data-stat=refunded] .lp-stat-value")!.TextContent);
        Assert.Equal("7.00 EUR", view.Find("[data-currency=EUR] [data-stat=available] .lp-stat-value").TextContent);
        Assert.Equal(["Where the USD went", "Where the EUR went"], view.FindAll("[aria-label^='Where the']").Select(c => c.GetAttribute("aria-label")));
        Assert.All(view.FindAll("[aria-label^='Where the']"), chart => Assert.NotNull(chart.QuerySelector("svg")));

        var job = view.Find(".lp-job-spend tbody tr");
        Assert.Equal($"/jobs/{jobId}", job.QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal("Cats 20.00 USD 15.00 USD 3.00 USD 0.50 USD", Text(job));

        var lines = view.FindAll(".lp-ledger-lines tbody tr");
        Assert.Equal("2026-11-30 12:00 Card payment +50.00 USD cs_123", Text(lines[0]));
        Assert.Equal("2026-11-30 12:00 Bonus Cats -2.40 USD Great boxes", Text(lines[1]));
        Assert.Contains("mud-success-text", lines[0].QuerySelector(".lp-amount")!.ClassName);
        Assert.Contains("mud-error-text", lines[1].QuerySelector(".lp-amount")!.ClassName);
        Assert.Empty(view.FindAll(".lp-no-funds"));
    }

    [Fact]
    public void OrganisationStatement_Empty_SaysToAddFunds()
    {
        var view = Render<OrganisationStatementView>(p => p.Add(v => v.Statement, new OrganisationStatement([], [], [])));

        Assert.Contains("no funds yet", view.Find(".lp-no-funds").TextContent);
        Assert.Empty(view.FindAll(".lp-job-spend"));
        Assert.Empty(view.FindAll(".lp-ledger-lines"));
    }

    [Fact]
    public void WorkerStatement_ShowsBalancesEarningsAndPayoutsWithTheirFailures()
    {
        var today = new DateOnly(2026, 11, 30);
        var statement = new WorkerStatement(
            [new WorkerBalance("USD", 40, 1_200, 600, 5_000)],
            [new EarningLine(today, Guid.NewGuid(), "Cats", "Earning", "USD", 12, 60), new EarningLine(today.AddDays(-1), Guid.NewGuid(), "Cats", "Bonus", "USD", 1, 200)],
            [
                new PayoutLine(Guid.NewGuid(), Noon, "USD", 600, 0, "Pending", null, null),
                new PayoutLine(Guid.NewGuid(), Noon.AddDays(-1), "USD", 900, 0, "Failed", null, "The account cannot receive transfers."),
                new PayoutLine(Guid.NewGuid(), Noon.AddDays(-2), "USD", 5_000, 0, "Paid", "tr_1", null),
            ],
            true, true, "");

        var view = Render<WorkerStatementView>(p => p.Add(v => v.Statement, statement).Add(v => v.Today, today));

        Assert.Equal("0.40 USD", view.Find("[data-stat=pending] .lp-stat-value").TextContent);
        Assert.Equal("12.00 USD", view.Find("[data-stat=available] .lp-stat-value").TextContent);
        Assert.Equal("6.00 USD", view.Find("[data-stat=in-transit] .lp-stat-value").TextContent);
        Assert.Equal("50.00 USD", view.Find("[data-stat=paid-out] .lp-stat-value").TextContent);

        var earnings = view.FindAll(".lp-earnings tbody tr");
        Assert.Equal("2026-11-30 Cats Accepted answers 12 0.60 USD", Text(earnings[0]));
        Assert.Equal("2026-11-29 Cats Bonus 1 2.00 USD", Text(earnings[1]));

        Assert.Equal(["On its way", "Failed", "Paid"], view.FindAll(".lp-payout-status").Select(c => c.TextContent.Trim()));
        Assert.Equal("The account cannot receive transfers.", view.FindAll(".lp-payout-details")[1].TextContent.Trim());
    }

    [Fact]
    public void WorkerStatement_EarningsChart_FitsCentsAndLabelsThemAsMoney()
    {
        // 35 and 60 cents: on MudBlazor's default axis (a line every 20 units) these drew as slivers on 0–20.
        var today = new DateOnly(2026, 11, 30);
        var statement = new WorkerStatement(
            [new WorkerBalance("USD", 0, 95, 0, 0)],
            [new EarningLine(today, Guid.NewGuid(), "Cats", "Earning", "USD", 7, 35), new EarningLine(today.AddDays(-1), Guid.NewGuid(), "Cats", "Earning", "USD", 12, 60)],
            [],
            true, true, "");

        var view = Render<WorkerStatementView>(p => p.Add(v => v.Statement, statement).Add(v => v.Today, today));

        var labels = view.FindAll(".lp-earnings-chart .mud-charts-yaxis text").Select(t => t.TextContent.Trim()).ToList();
        Assert.Equal(["0.00", "0.20", "0.40", "0.60"], labels);
        Assert.Equal(WorkerStatementView.ChartDays, view.FindAll(".lp-earnings-chart .mud-charts-xaxis text").Count);
    }

    [Fact]
    public void PayoutAccount_NotConnected_OffersToConnectAndSaysTheMinimum()
    {
        var clicks = 0;
        var panel = Render<PayoutAccountPanel>(p => p.Add(x => x.PayoutMinimum, 500).Add(x => x.OnConnect, () => clicks++));
        Assert.True(panel.Find("button.lp-connect").HasAttribute("disabled"), "no account can be opened before the worker says where they live");
        Assert.Contains("Country you live in", panel.Find(".lp-payout-country").TextContent);
        panel.Render(p => p.Add(x => x.Country, "DE"));

        panel.Find("button.lp-connect").Click();

        Assert.Equal(1, clicks);
        Assert.Contains("Connect payout account", panel.Find("button.lp-connect").TextContent);
        Assert.Contains("Settlement runs daily", panel.Find(".lp-payout-rules").TextContent);
        Assert.Contains("reaches 5.00 in a currency", panel.Find(".lp-payout-rules").TextContent);
    }

    [Fact]
    public void WorkerStatement_BonusNotesAndWaitingPayouts_ReadForTheWorker()
    {
        var statement = new WorkerStatement(
            [new WorkerBalance("USD", 0, 0, 1_500, 0)],
            [],
            [
                new PayoutLine(Guid.NewGuid(), Noon, "USD", 1_000, 0, "Pending", null, "Waiting for the platform's Stripe balance: 3.00 USD available, 900.00 USD still pending. Sent once funds are available."),
                new PayoutLine(Guid.NewGuid(), Noon, "USD", 500, 0, "Pending", null, "Stripe gave no answer that could be read (HttpIOException: cut)"),
            ],
            true, true, "")
        {
            Bonuses = [new BonusLine(Noon, "Cats", "USD", 250, "Thanks for the careful boxes!"), new BonusLine(Noon, "", "USD", 100, "Bonus")],
        };

        var view = Render<WorkerStatementView>(p => p.Add(v => v.Statement, statement));

        var details = view.FindAll(".lp-payout-details").Select(d => d.TextContent.Trim()).ToList();
        Assert.StartsWith("Waiting for the platform's funds to clear at Stripe", details[0], StringComparison.Ordinal);
        Assert.DoesNotContain("900.00", details[0], StringComparison.Ordinal);
        Assert.StartsWith("Stripe did not confirm this payout yet", details[1], StringComparison.Ordinal);
        var bonuses = view.FindAll(".lp-bonus");
        Assert.Equal(2, bonuses.Count);
        Assert.Contains("2.50 USD for Cats", Text(bonuses[0]));
        Assert.Equal("“Thanks for the careful boxes!”", view.Find(".lp-bonus-note").TextContent.Trim());
        Assert.Contains("1.00 USD for your work", Text(bonuses[1]));
    }

    [Fact]
    public void BillingAlerts_ShowEachWithItsTitle_DismissSaysWhich()
    {
        long? dismissed = null;
        var alerts = new List<LabelPlatform.Billing.Alerts.BillingAlert>
        {
            new() { Id = 7, Kind = LabelPlatform.Billing.Alerts.BillingAlertKinds.SettlementStopped, Message = "Settlement stopped: Stripe answered 401 api_key_expired", CreatedAt = Noon },
            new() { Id = 8, Kind = LabelPlatform.Billing.Alerts.BillingAlertKinds.FundsPending, Message = "3 payout(s) wait", CreatedAt = Noon },
        };

        var view = Render<BillingAlertsView>(p => p.Add(v => v.Alerts, alerts).Add(v => v.OnDismiss, id => dismissed = id));
        view.FindAll(".lp-billing-alert button")[1].Click();

        Assert.Equal(["settlement_stopped", "funds_pending"], view.FindAll(".lp-billing-alert").Select(a => a.GetAttribute("data-kind")));
        Assert.Contains("Settlement stopped", Text(view.FindAll(".lp-billing-alert")[0]));
        Assert.Contains("Payouts wait for funds", Text(view.FindAll(".lp-billing-alert")[1]));
        Assert.Equal(8, dismissed);
        Assert.Empty(Render<BillingAlertsView>().FindAll(".lp-billing-alerts"));
    }

    [Fact]
    public void Disputes_OpenOnesExposurePerCurrency_EachRowWithItsFigures()
    {
        LabelPlatform.Billing.Funding.Dispute D(string id, string currency, long amount, long frozen, LabelPlatform.Billing.Funding.DisputeStatus status) =>
            new() { Id = id, Currency = currency, Amount = amount, Frozen = frozen, Exposure = amount - frozen, Status = status, Reason = "fraudulent", CreatedAt = Noon };
        var disputes = new List<LabelPlatform.Billing.Funding.Dispute>
        {
            D("dp_1", "USD", 50_00, 20_00, LabelPlatform.Billing.Funding.DisputeStatus.Open),
            D("dp_2", "EUR", 10_00, 10_00, LabelPlatform.Billing.Funding.DisputeStatus.Open),
            D("dp_3", "USD", 9_00, 0, LabelPlatform.Billing.Funding.DisputeStatus.Lost),
        };

        var view = Render<DisputesView>(p => p.Add(v => v.Disputes, disputes));

        Assert.Equal("Open disputes: 2; the platform's exposure (what the organisations did not hold): 30.00 USD, 0.00 EUR", Text(view.Find(".lp-exposure")));
        var rows = view.FindAll(".lp-dispute-rows tbody tr");
        Assert.Equal(3, rows.Count);
        Assert.Contains("dp_1 fraudulent 50.00 USD 20.00 USD 30.00 USD Open", Text(rows[0]));
        Assert.Contains("Lost", Text(rows[2]));
        Assert.Empty(Render<DisputesView>().FindAll(".lp-disputes"));
    }

    [Fact]
    public void PayoutAccount_ConnectedButIncomplete_SaysWhatStripeNeeds()
    {
        var panel = Render<PayoutAccountPanel>(p => p.Add(x => x.Connected, true).Add(x => x.Requirements, "external_account, individual.dob.day"));

        Assert.Contains("Stripe still needs some details before it can pay you: external_account, individual.dob.day.", Text(panel.Find(".lp-payouts-pending")));
        Assert.Contains("Finish connecting", panel.Find("button.lp-connect").TextContent);
        Assert.Empty(panel.FindAll(".lp-payouts-enabled"));
    }

    [Fact]
    public void PayoutAccount_Enabled_SaysSoWithoutAButton()
    {
        var panel = Render<PayoutAccountPanel>(p => p.Add(x => x.Connected, true).Add(x => x.PayoutsEnabled, true));

        Assert.Contains("Payouts enabled", panel.Find(".lp-payouts-enabled").TextContent);
        Assert.Empty(panel.FindAll("button.lp-connect"));
    }

    [Fact]
    public void Reconciliation_Clean_SaysTheyAgree()
    {
        var view = Render<ReconciliationView>(p => p.Add(v => v.Report, new ReconciliationReport(Noon, 3, 3,
            [new CurrencyTotals("JPY", 0, 1500, 1500), new CurrencyTotals("USD", 0, 12_00, 12_00)], 0, [])));

        Assert.Equal("Ledger and Stripe agree.", view.Find(".lp-reconciled").TextContent.Trim());
        Assert.Equal(["0 JPY", "0.00 USD"], view.FindAll("[data-check=trial]").Select(t => t.TextContent));
        Assert.Equal("1500 JPY / 1500 JPY", view.Find("[data-currency=JPY] [data-check=sent]").TextContent);
        Assert.Empty(view.FindAll(".lp-differences"));
    }

    [Fact]
    public void Reconciliation_WithDifferences_ListsThemAndTheLedgerChecks()
    {
        var payout = Guid.NewGuid();
        var report = new ReconciliationReport(Noon, 2, 2, [new CurrencyTotals("USD", 0, 500, 450)], 1, [new ReconciliationDifference("amount", "tr_9", payout, "USD", 500, 450, "The amounts differ.")]);

        var view = Render<ReconciliationView>(p => p.Add(v => v.Report, report));

        Assert.Empty(view.FindAll(".lp-reconciled"));
        Assert.Equal("1", view.Find("[data-check=mismatches]").TextContent);
        Assert.Contains("mud-error-text", view.Find("[data-check=mismatches]").ClassName);
        Assert.Equal($"amount tr_9 {payout} 5.00 USD 4.50 USD The amounts differ.", Text(view.Find(".lp-differences tbody tr")));
        Assert.Contains("mud-error-text", view.Find("[data-check=sent]").ClassName);
    }

    [Fact]
    public void Settlement_ShowsProgressOfTodaysPayoutsAndTheLatestPayouts()
    {
        var settles = 0;
        var payouts = new List<AdminPayoutRow>
        {
            new(Noon, "worker@example.test", 1_200, "USD", "Failed", null, "No such destination"),
            new(Noon, "other@example.test", 800, "EUR", "Paid", "tr_5", null),
        };

        var view = Render<SettlementView>(p => p
            .Add(v => v.Today, new SettlementToday(4, 2, 1, 1))
            .Add(v => v.Payouts, payouts)
            .Add(v => v.OnSettle, () => settles++));

        view.Find("button.lp-settle-now").Click();

        Assert.Equal(1, settles);
        Assert.Equal("Payouts today: 3 of 4 finished (2 paid, 1 failed, 1 on their way)", Text(view.Find(".lp-settle-progress-text")));
        Assert.Equal("75", view.Find("[aria-label='Payouts finished today']").GetAttribute("aria-valuenow"));
        var rows = view.FindAll(".lp-admin-payouts tbody tr");
        Assert.Equal("2026-11-30 12:00 worker@example.test 12.00 USD Failed No such destination", Text(rows[0]));
        Assert.Equal("2026-11-30 12:00 other@example.test 8.00 EUR Paid tr_5", Text(rows[1]));
    }
}
