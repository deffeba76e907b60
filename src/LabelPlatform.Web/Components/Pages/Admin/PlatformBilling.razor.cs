using Hangfire;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.Billing.Statements;
using LabelPlatform.Data;
using LabelPlatform.Web.Components.Billing;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Components.Pages.Admin;

/// <summary>The admin's billing desk: manual credits, settling now and watching it, and reconciling with Stripe.</summary>
public partial class PlatformBilling
{
    private static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);

    // A queued run takes a moment to write its first payouts; keep watching at least this long.
    private static readonly TimeSpan WatchAfterSettle = TimeSpan.FromSeconds(30);

    private SettlementToday? _today;
    private List<AdminPayoutRow> _payouts = [];
    private List<LabelPlatform.Billing.Alerts.BillingAlert> _alerts = [];
    private List<LabelPlatform.Billing.Funding.Dispute> _disputes = [];
    private bool _settling;
    private string? _settleMessage;
    private DateTimeOffset _watchUntil;
    private Timer? _timer;
    private bool _reconciling;
    private string? _reconcileError;
    private ReconciliationReport? _report;

    [Inject] private IDbContextFactory<AppDbContext> DbFactory { get; set; } = default!;

    [Inject] private IBackgroundJobClient Jobs { get; set; } = default!;

    [Inject] private Reconciliation Reconciliation { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private LabelPlatform.Web.Components.Shared.CurrentUser CurrentUser { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        await LoadPayoutsAsync();
        if (_today!.Pending > 0)
        {
            StartWatching();
        }
    }

    private async Task LoadPayoutsAsync()
    {
        var midnight = new DateTimeOffset(Clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        await using var db = await DbFactory.CreateDbContextAsync();
        var counts = await db.Payouts.Where(p => p.CreatedAt >= midnight).GroupBy(p => p.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        int Count(PayoutStatus status) => counts.Where(c => c.Key == status).Sum(c => c.Count);
        _today = new SettlementToday(counts.Sum(c => c.Count), Count(PayoutStatus.Paid), Count(PayoutStatus.Failed), Count(PayoutStatus.Pending));
        _disputes = await db.Disputes.AsNoTracking()
            .OrderByDescending(d => d.Status == LabelPlatform.Billing.Funding.DisputeStatus.Open).ThenByDescending(d => d.CreatedAt).Take(20).ToListAsync();
        _alerts = await db.BillingAlerts.AsNoTracking().Where(a => a.DismissedAt == null).OrderByDescending(a => a.CreatedAt).Take(20).ToListAsync();
        _payouts = await db.Payouts.AsNoTracking()
            .OrderByDescending(p => p.CreatedAt)
            .Take(50)
            .GroupJoin(db.Users, p => p.WorkerId, u => u.Id, (p, users) => new { p, users })
            .SelectMany(x => x.users.DefaultIfEmpty(), (x, u) => new AdminPayoutRow(
                x.p.CreatedAt, u == null ? x.p.WorkerId : u.Email ?? x.p.WorkerId, x.p.Amount, x.p.Currency, x.p.Status.ToString(), x.p.StripeTransferId, x.p.FailureReason))
            .ToListAsync();
    }

    private async Task DismissAsync(long id)
    {
        var admin = (await CurrentUser.GetAsync()).UserId;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            await db.BillingAlerts.Where(a => a.Id == id && a.DismissedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.DismissedAt, Clock.GetUtcNow()).SetProperty(a => a.DismissedBy, admin));
        }

        await LoadPayoutsAsync();
    }

    private void SettleNow()
    {
        _settling = true;
        Jobs.Enqueue<SettlementJob>(j => j.RunAsync(CancellationToken.None));
        _settleMessage = "Settlement is queued; progress below updates every 2 seconds.";
        _watchUntil = Clock.GetUtcNow() + WatchAfterSettle;
        StartWatching();
    }

    private void StartWatching() =>
        _timer ??= new Timer(_ => _ = InvokeAsync(RefreshAsync), null, RefreshEvery, RefreshEvery);

    private async Task RefreshAsync()
    {
        if (_timer is null)
        {
            return;
        }

        await LoadPayoutsAsync();
        if (_today!.Pending == 0 && Clock.GetUtcNow() > _watchUntil)
        {
            StopWatching();
            _settling = false;
            _settleMessage = null;
        }

        StateHasChanged();
    }

    private void StopWatching()
    {
        _timer?.Dispose();
        _timer = null;
    }

    private async Task ReconcileAsync()
    {
        _reconciling = true;
        _reconcileError = null;
        try
        {
            _report = await Reconciliation.RunAsync(TimeSpan.FromDays(30));
        }
        catch (Exception e) when (LabelPlatform.Billing.Stripe.StripeErrors.IsStripeFailure(e))
        {
            _reconcileError = LabelPlatform.Billing.Stripe.StripeErrors.ForPerson(e, "listing its transfers").Message;
        }
        finally
        {
            _reconciling = false;
        }
    }

    public void Dispose() => StopWatching();
}
