using LabelPlatform.Jobs.Progress;
using LabelPlatform.Review.Flagged;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace LabelPlatform.Web.Components.Pages.Reviewer;

/// <summary>The reviewers' queue: submissions the model flagged, by job; it refreshes as verdicts land.</summary>
public partial class Flagged
{
    private FlaggedList? _list;
    private string? _error;

    /// <summary>Shows one job's flagged submissions (<c>/review?job=...</c>); all jobs' when absent.</summary>
    [SupplyParameterFromQuery(Name = "job")]
    public Guid? JobId { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    [Inject] private FlaggedSubmissions Query { get; set; } = default!;

    [Inject] private JobProgressNotifier Notifier { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        Notifier.Changed -= OnJobChanged;
        Notifier.Changed += OnJobChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var result = await Query.HandleAsync((await AuthState).User, new FlaggedQuery(JobId));
        (_list, _error) = (result.Value, result.Error?.Message);
    }

    private Task ShowJobAsync(Guid? jobId)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameter("job", jobId));
        return Task.CompletedTask;
    }

    private void OnJobChanged(Guid jobId) =>
        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });

    public void Dispose() => Notifier.Changed -= OnJobChanged;
}
