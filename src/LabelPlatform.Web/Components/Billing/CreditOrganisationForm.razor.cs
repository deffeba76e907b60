using LabelPlatform.Accounts.ListUsers;
using LabelPlatform.Billing.Funding;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Jobs;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Billing;

/// <summary>An admin credits an organisation by hand.</summary>
public partial class CreditOrganisationForm
{
    private List<OrganisationChoice> _organisations = [];
    private Guid? _organisationId;
    private string? _amount;
    private string _currency = JobRules.Currencies[0];
    private string? _reason;
    private string? _error;
    private string? _done;


    [Inject] private CreditOrganisation Credit { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ListOrganisations ListOrganisations { get; set; } = default!;

    private Guid? OrganisationId { get => _organisationId; set => Change(ref _organisationId, value); }

    private string? Amount { get => _amount; set => Change(ref _amount, value); }

    private string Currency { get => _currency; set => Change(ref _currency, value); }

    private string? Reason { get => _reason; set => Change(ref _reason, value); }


    protected override async Task OnInitializedAsync()
    {
        _organisations = await ListOrganisations.HandleAsync();
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
        var organisation = _organisations.FirstOrDefault(o => o.Id == _organisationId);
        if (organisation is null)
        {
            _error = "Pick the organisation to credit.";
            return;
        }

        if (!MoneyFormat.TryParse(_amount, _currency, out var amount))
        {
            _error = "Enter an amount like 500.00.";
            return;
        }

        Busy = true;
        try
        {
            var admin = await CurrentUser.GetAsync();
            var credited = await Credit.HandleAsync(organisation.Id, amount, _currency, _reason ?? "", admin.UserId, RequestId);
            if (!credited.IsSuccess)
            {
                _error = credited.Error!.Message;
                return;
            }

            _done = $"Credited {MoneyFormat.Format(amount, _currency)} to {organisation.Name}."
                + (credited.Value == PostOutcome.AlreadyPosted ? " It was credited once; change the form to make another credit." : "");
        }
        finally
        {
            Busy = false;
        }
    }
}
