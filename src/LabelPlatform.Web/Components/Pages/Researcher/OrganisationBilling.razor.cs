using LabelPlatform.Billing.Statements;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Pages.Researcher;

/// <summary>The organisation's money: balances, spending per job, the ledger, and adding funds or paying bonuses.</summary>
public partial class OrganisationBilling
{
    private static readonly TimeSpan CheckoutPoll = TimeSpan.FromSeconds(2);

    // Stripe's webhook usually lands within seconds; after this the researcher reloads by hand.
    private const int CheckoutPolls = 60;

    private OrganisationStatement? _statement;

    /// <summary>Counts the balance readings, so the refund form reads what can be refunded again with each one.</summary>
    private int _statementVersion;
    private bool _notInOrganisation;
    private bool _checkoutCredited;
    private readonly CancellationTokenSource _disposed = new();

    /// <summary>Stripe Checkout's session id on return from paying, or "cancelled".</summary>
    [SupplyParameterFromQuery(Name = "checkout")] public string? Checkout { get; set; }

    [Inject] private BillingStatements Statements { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private LabelPlatform.Billing.Funding.CheckoutStatus CheckoutState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        await ReloadAsync();
        if (Checkout is not null && Checkout != "cancelled" && !_notInOrganisation)
        {
            _ = WaitForCheckoutAsync(Checkout, _disposed.Token);
        }
    }

    private async Task ReloadAsync()
    {
        var user = await CurrentUser.GetAsync();
        _notInOrganisation = user.OrganisationId is null;
        if (user.OrganisationId is { } organisationId)
        {
            _statement = await Statements.ForOrganisationAsync(organisationId);
            _statementVersion++;
        }
    }

    // The webhook, not this redirect, credits the funds: show them once it has.
    private async Task WaitForCheckoutAsync(string sessionId, CancellationToken ct)
    {
        try
        {
            var organisationId = (await CurrentUser.GetAsync()).OrganisationId;
            for (var i = 0; i < CheckoutPolls && !ct.IsCancellationRequested; i++)
            {
                var status = await CheckoutState.HandleAsync(sessionId, organisationId, ct);
                if (status is null or "Completed")
                {
                    _checkoutCredited = status is not null;
                    await InvokeAsync(async () =>
                    {
                        await ReloadAsync();
                        StateHasChanged();
                    });
                    return;
                }

                await Task.Delay(CheckoutPoll, ct);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _disposed.Cancel();
        _disposed.Dispose();
    }
}
