using LabelPlatform.Jobs.Progress;
using LabelPlatform.Review.Flagged;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace LabelPlatform.Web.Components.Pages.Reviewer;

/// <summary>The reviewers' queue: submissions the model flagged, by job; it refreshes as verdicts land.</summary>
public partial class Flagged
{
    private static readonly TimeSpan ReloadAtMostEvery = TimeSpan.FromSeconds(1);

    private FlaggedList? _list;
    private string? _error;
    private int _reloadScheduled;
    private bool _disposed;

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

    /// <summary>
    /// Every review batch announces its job; while verdicts stream in, the page reloads at most once
    /// a second instead of once per batch.
    /// </summary>
    private void OnJobChanged(Guid jobId)
    {
        if (Interlocked.Exchange(ref _reloadScheduled, 1) == 1)
        {
            return;
        }

        _ = InvokeAsync(async () =>
        {
            await Task.Delay(ReloadAtMostEvery);
            Volatile.Write(ref _reloadScheduled, 0);
            if (!_disposed)
            {
                await LoadAsync();
                StateHasChanged();
            }
        });
    }

    public void Dispose()
    {
        _disposed = true;
        Notifier.Changed -= OnJobChanged;
    }
}
