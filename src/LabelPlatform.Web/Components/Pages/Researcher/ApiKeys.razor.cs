using LabelPlatform.Accounts.ApiKeys;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LabelPlatform.Web.Components.Pages.Researcher;

/// <summary>The organisation's API keys: issue one (its secret shown once), see when each was last used, revoke.</summary>
public partial class ApiKeys
{
    [Inject] private IssueApiKey Issue { get; set; } = default!;

    [Inject] private RevokeApiKey Revoke { get; set; } = default!;

    [Inject] private ListApiKeys List { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private List<ApiKey>? _keys;
    private string _name = "";
    private ApiKeyScope _scope = ApiKeyScope.Read;
    private IssuedApiKey? _issued;
    private string? _error;
    private bool _busy;

    protected override async Task OnInitializedAsync() => await ReloadAsync();

    private async Task ReloadAsync() => _keys = await List.HandleAsync((await CurrentUser.GetAsync()).UserId);

    private async Task IssueAsync()
    {
        _busy = true;
        _error = null;
        _issued = null;
        try
        {
            var result = await Issue.HandleAsync((await CurrentUser.GetAsync()).UserId, _name, _scope);
            if (result.IsSuccess)
            {
                _issued = result.Value;
                _name = "";
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

    private async Task RevokeAsync(ApiKey key)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Revoke this key?", $"Programs using \"{key.Name}\" ({key.Hint}…) will be refused from their next request. This cannot be undone.",
            yesText: "Revoke", cancelText: "Keep it");
        if (confirmed != true)
        {
            return;
        }

        var result = await Revoke.HandleAsync((await CurrentUser.GetAsync()).UserId, key.Id);
        _error = result.IsSuccess ? null : result.Error!.Message;
        if (_issued?.Key.Id == key.Id)
        {
            _issued = null;
        }

        await ReloadAsync();
    }
}
