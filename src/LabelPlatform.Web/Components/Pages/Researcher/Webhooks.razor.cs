using LabelPlatform.Common.Events;
using LabelPlatform.Jobs;
using LabelPlatform.Web.Components.Shared;
using LabelPlatform.Webhooks;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LabelPlatform.Web.Components.Pages.Researcher;

/// <summary>The organisation's webhook endpoints: add one (its secret shown once), pause, rotate, test, delete; each one's deliveries, with redelivery; the low-funds threshold.</summary>
public partial class Webhooks
{
    [Inject] private ManageWebhooks Manage { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private List<WebhookEndpoint>? _endpoints;
    private string _url = "";
    private string _description = "";
    private readonly HashSet<string> _events = [OrganisationEventTypes.JobCompleted, OrganisationEventTypes.ExportReady, OrganisationEventTypes.ItemsSettled];
    private (string Message, string Secret)? _secret;
    private string? _error;
    private bool _busy;
    private WebhookEndpoint? _shown;
    private List<WebhookDelivery>? _deliveries;
    private Guid? _attemptsOf;
    private List<WebhookAttempt>? _attempts;
    private string _currency = "USD";
    private string? _threshold;
    private string? _thresholdMessage;

    protected override async Task OnInitializedAsync()
    {
        await ReloadAsync();
        if (await Manage.BalanceAlertAsync(await OrganisationAsync()) is { } alert)
        {
            _currency = alert.Currency;
            _threshold = MoneyFormat.Number(alert.Threshold, alert.Currency);
        }
    }

    private async Task<Guid> OrganisationAsync() => (await CurrentUser.GetAsync()).OrganisationId ?? Guid.Empty;

    private async Task ReloadAsync() => _endpoints = await Manage.ListAsync(await OrganisationAsync());

    private void Toggle(string type, bool on)
    {
        if (on)
        {
            _events.Add(type);
        }
        else
        {
            _events.Remove(type);
        }
    }

    private async Task CreateAsync()
    {
        _busy = true;
        _error = null;
        _secret = null;
        try
        {
            var user = await CurrentUser.GetAsync();
            var result = await Manage.CreateAsync(user.OrganisationId ?? Guid.Empty, user.UserId, new WebhookEndpointChange(_url, _description, [.. _events]));
            if (result.IsSuccess)
            {
                _secret = ("Endpoint added. Its signing secret:", result.Value!.Secret);
                _url = "";
                _description = "";
                await ReloadAsync();
            }
            else
            {
                _error = result.Error!.Message;
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SetEnabledAsync(WebhookEndpoint endpoint, bool enabled)
    {
        var result = await Manage.UpdateAsync(await OrganisationAsync(), endpoint.Id, new WebhookEndpointChange(Enabled: enabled));
        _error = result.IsSuccess ? null : result.Error!.Message;
        await ReloadAsync();
    }

    private async Task SendTestAsync(WebhookEndpoint endpoint)
    {
        var result = await Manage.SendTestAsync(await OrganisationAsync(), endpoint.Id);
        _error = result.IsSuccess ? null : result.Error!.Message;
        await ShowDeliveriesAsync(endpoint);
    }

    private async Task RotateAsync(WebhookEndpoint endpoint)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Rotate the signing secret?", "A new secret signs every event from now on. The old one also signs for 24 hours, so your receiver can switch without missing events.",
            yesText: "Rotate", cancelText: "Keep it");
        if (confirmed != true)
        {
            return;
        }

        var result = await Manage.RotateSecretAsync(await OrganisationAsync(), endpoint.Id, expireOldNow: false);
        _error = result.IsSuccess ? null : result.Error!.Message;
        _secret = result.IsSuccess ? ($"New secret for {endpoint.Url}:", result.Value!.Secret) : null;
        await ReloadAsync();
    }

    private async Task DeleteAsync(WebhookEndpoint endpoint)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Delete this endpoint?", $"Nothing more is sent to {endpoint.Url}, and its delivery log goes with it.", yesText: "Delete", cancelText: "Keep it");
        if (confirmed != true)
        {
            return;
        }

        var result = await Manage.DeleteAsync(await OrganisationAsync(), endpoint.Id);
        _error = result.IsSuccess ? null : result.Error!.Message;
        if (_shown?.Id == endpoint.Id)
        {
            _shown = null;
        }

        await ReloadAsync();
    }

    private async Task ShowDeliveriesAsync(WebhookEndpoint endpoint)
    {
        _shown = endpoint;
        _deliveries = await Manage.DeliveriesAsync(await OrganisationAsync(), endpoint.Id);
        if (_attemptsOf is { } open)
        {
            _attempts = await Manage.AttemptsAsync(await OrganisationAsync(), open);
        }
    }

    private async Task ShowAttemptsAsync(WebhookDelivery delivery)
    {
        if (_attemptsOf == delivery.Id)
        {
            _attemptsOf = null;
            _attempts = null;
            return;
        }

        _attemptsOf = delivery.Id;
        _attempts = await Manage.AttemptsAsync(await OrganisationAsync(), delivery.Id);
    }

    private async Task RedeliverAsync(WebhookDelivery delivery)
    {
        var result = await Manage.RedeliverAsync(await OrganisationAsync(), delivery.Id);
        _error = result.IsSuccess ? null : result.Error!.Message;
        if (_shown is not null)
        {
            await ShowDeliveriesAsync(_shown);
        }
    }

    private async Task SaveThresholdAsync()
    {
        long? threshold = null;
        if (!string.IsNullOrWhiteSpace(_threshold))
        {
            if (!MoneyFormat.TryParse(_threshold, _currency, out var minor))
            {
                _thresholdMessage = $"Give an amount in {_currency}, such as 50.00, or leave it empty.";
                return;
            }

            threshold = minor;
        }

        var result = await Manage.SetBalanceAlertAsync(await OrganisationAsync(), _currency, threshold);
        _thresholdMessage = !result.IsSuccess ? result.Error!.Message
            : threshold is { } set ? $"balance.low is sent when funds fall below {MoneyFormat.Format(set, _currency)}."
            : "No low-funds event is sent.";
    }

    private static Color StatusColour(WebhookDeliveryStatus status) => status switch
    {
        WebhookDeliveryStatus.Delivered => Color.Success,
        WebhookDeliveryStatus.Failed => Color.Error,
        _ => Color.Warning,
    };

    private static string Describe(WebhookDelivery delivery) => delivery.Status switch
    {
        WebhookDeliveryStatus.Delivered => "delivered",
        WebhookDeliveryStatus.Failed => "failed",
        _ when delivery.Attempts == 0 => "queued",
        _ => $"retrying at {delivery.NextAttemptAt:HH:mm:ss}",
    };
}
