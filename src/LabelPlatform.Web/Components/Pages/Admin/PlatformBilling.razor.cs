using Hangfire;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Settlement;
using LabelPlatform.Billing.Statements;
using LabelPlatform.Web.Components.Billing;
using Microsoft.AspNetCore.Components;

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

    [Inject] private GetSettlementOverview Overview { get; set; } = default!;

    [Inject] private LabelPlatform.Billing.Alerts.DismissBillingAlert Dismiss { get; set; } = default!;

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
        (_today, _disputes, _alerts, _payouts) = await Overview.HandleAsync();
    }

    private async Task DismissAsync(long id)
    {
        var admin = (await CurrentUser.GetAsync()).UserId;
        await Dismiss.HandleAsync(id, admin);

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
