using LabelPlatform.Billing;
using LabelPlatform.Billing.Payouts;
using LabelPlatform.Billing.Statements;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Web.Components.Pages.Worker;

/// <summary>A worker's pay: what is pending, available, on its way and paid out, and the Stripe account it goes to.</summary>
public partial class Earnings
{
    private WorkerStatement? _statement;
    private bool _busy;
    private string? _connectError;
    private string? _country;

    /// <summary>"done" or "refresh" when Stripe's onboarding sends the worker back.</summary>
    [SupplyParameterFromQuery(Name = "connect")] public string? Connect { get; set; }

    [Inject] private BillingStatements Statements { get; set; } = default!;

    [Inject] private ConnectPayoutAccount ConnectAccount { get; set; } = default!;

    [Inject] private RefreshPayoutAccount RefreshAccount { get; set; } = default!;

    [Inject] private IOptions<BillingOptions> Options { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private long PayoutMinimum => Options.Value.PayoutMinimum;

    protected override async Task OnInitializedAsync()
    {
        var user = await CurrentUser.GetAsync();
        if (Connect is not null)
        {
            // Stripe's webhook says the same, but the worker is looking now.
            try
            {
                await RefreshAccount.HandleAsync(user.UserId);
            }
            catch (Exception e) when (LabelPlatform.Billing.Stripe.StripeErrors.IsStripeFailure(e))
            {
                _connectError = "Stripe could not be reached to check your account; it is checked again when Stripe tells us it changed.";
            }
        }

        _statement = await Statements.ForWorkerAsync(user.UserId);
    }

    private async Task ConnectAsync()
    {
        _busy = true;
        _connectError = null;
        try
        {
            var link = await ConnectAccount.HandleAsync((await CurrentUser.GetAsync()).UserId, _country);
            if (!link.IsSuccess)
            {
                _connectError = link.Error!.Message;
                return;
            }

            Navigation.NavigateTo(link.Value!, forceLoad: true);
        }
        finally
        {
            _busy = false;
        }
    }
}
