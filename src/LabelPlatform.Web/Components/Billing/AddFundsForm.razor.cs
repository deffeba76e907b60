using LabelPlatform.Billing.Funding;
using LabelPlatform.Jobs;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Billing;

/// <summary>Starts a card top-up: the researcher leaves for Stripe Checkout and comes back to /billing.</summary>
public partial class AddFundsForm
{
    private string? _amount;
    private string _currency = JobRules.Currencies[0];
    private string? _error;
    private bool _busy;

    [Inject] private AddFunds AddFunds { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    private async Task SubmitAsync()
    {
        // A second click can arrive before the disabled button is drawn.
        if (_busy)
        {
            return;
        }

        if (!MoneyFormat.TryParse(_amount, _currency, out var amount))
        {
            _error = "Enter an amount like 20.00.";
            return;
        }

        _busy = true;
        _error = null;
        try
        {
            var user = await CurrentUser.GetAsync();
            if (user.OrganisationId is not { } organisationId)
            {
                _error = "You are not in an organisation.";
                return;
            }

            var started = await AddFunds.HandleAsync(organisationId, user.UserId, amount, _currency);
            if (!started.IsSuccess)
            {
                _error = started.Error!.Message;
                return;
            }

            // Checkout is Stripe's page, outside this app: a full navigation, not a Blazor route change.
            Navigation.NavigateTo(started.Value!.Url, forceLoad: true);
        }
        finally
        {
            _busy = false;
        }
    }
}
