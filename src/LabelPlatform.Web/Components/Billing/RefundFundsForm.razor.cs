using LabelPlatform.Billing.Funding;
using LabelPlatform.Jobs;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Billing;

/// <summary>A researcher takes unused card funds back; says how much can go back before they ask.</summary>
public partial class RefundFundsForm
{
    private string? _amount;
    private string _currency = JobRules.Currencies[0];
    private Refundable? _refundable;
    private string? _error;
    private string? _done;
    private int? _loadedStatement;

    [Inject] private RefundFunds Refunds { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    /// <summary>Told after money went back, so the page can show the new balance.</summary>
    [Parameter] public EventCallback OnRefunded { get; set; }

    /// <summary>
    /// Which reading of the balance the page shows: when it changes (a card payment confirmed after the page
    /// opened, a bonus paid), what can be refunded is read again, so it never contradicts the balance above it.
    /// </summary>
    [Parameter] public int StatementVersion { get; set; }

    private string? Amount { get => _amount; set => Change(ref _amount, value); }

    private string Currency => _currency;

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedStatement != StatementVersion)
        {
            _loadedStatement = StatementVersion;
            await LoadAsync();
        }
    }

    private async Task CurrencyChangedAsync(string currency)
    {
        Change(ref _currency, currency);
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var user = await CurrentUser.GetAsync();
        _refundable = user.OrganisationId is { } organisationId ? await Refunds.RefundableAsync(organisationId, _currency) : null;
    }

    private async Task SubmitAsync()
    {
        // A second click can arrive before the disabled button is drawn.
        if (Busy)
        {
            return;
        }

        _error = null;
        _done = null;
        if (!MoneyFormat.TryParse(_amount, _currency, out var amount) || amount <= 0)
        {
            _error = "Enter an amount like 10.00.";
            return;
        }

        Busy = true;
        try
        {
            var user = await CurrentUser.GetAsync();
            if (user.OrganisationId is not { } organisationId)
            {
                _error = "You are not in an organisation.";
                return;
            }

            var refunded = await Refunds.HandleAsync(organisationId, user.UserId, amount, _currency, RequestId);
            if (!refunded.IsSuccess)
            {
                _error = refunded.Error!.Message;
                return;
            }

            var result = refunded.Value!;
            _done = $"{MoneyFormat.Format(result.Refunded, _currency)} refunded to {result.Cards} card payment{(result.Cards == 1 ? "" : "s")}."
                + (result.Waiting > 0 ? $" {MoneyFormat.Format(result.Waiting, _currency)} waits for Stripe's confirmation and is retried automatically." : "");
            await LoadAsync();
            await OnRefunded.InvokeAsync();
        }
        finally
        {
            Busy = false;
        }
    }
}
