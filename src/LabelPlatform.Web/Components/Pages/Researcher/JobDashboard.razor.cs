using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Jobs.ListJobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Queue.Report;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LabelPlatform.Web.Components.Pages.Researcher;

/// <summary>A job's live dashboard: counts update as workers submit, through <see cref="JobProgressNotifier"/>.</summary>
public partial class JobDashboard
{
    private static readonly string[] ItemStateLabels = ["Done", "In progress", "Not started"];

    private Job? _job;
    private JobCounts? _counts;
    private bool _notFound;
    private bool _busy;
    private string? _actionError;
    private List<ItemReportRow> _reports = [];

    [Parameter] public Guid JobId { get; set; }

    [Inject] private FindOrganisationJob FindJob { get; set; } = default!;

    [Inject] private ListItemReports Reports { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private GetJobCounts GetCounts { get; set; } = default!;

    [Inject] private ChangeJobStatus ChangeStatus { get; set; } = default!;

    [Inject] private JobProgressNotifier Notifier { get; set; } = default!;

    [Inject] private IDialogService Dialogs { get; set; } = default!;

    private List<ChartSeries<double>> ItemStates =>
        _counts is null ? [] : [new() { Name = "Items", Data = new double[] { _counts.ItemsDone, _counts.ItemsInProgress, _counts.ItemsNotStarted } }];

    protected override async Task OnParametersSetAsync()
    {
        Notifier.Changed -= OnJobChanged;
        Notifier.Changed += OnJobChanged;
        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        var user = await CurrentUser.GetAsync();
        _job = await FindJob.HandleAsync(JobId, user.OrganisationId);
        _notFound = _job is null;
        if (_job is not null)
        {
            _counts = (await GetCounts.HandleAsync([JobId]))[JobId];
            _reports = await Reports.HandleAsync(JobId);
        }
    }

    private async Task ChangeAsync(JobAction action)
    {
        _busy = true;
        var user = await CurrentUser.GetAsync();
        var result = await ChangeStatus.HandleAsync(JobId, user.OrganisationId!.Value, action);
        _actionError = result.IsSuccess ? null : result.Error!.Message;
        _busy = false;
        await ReloadAsync();
    }

    private async Task CancelAsync()
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Cancel this job?",
            "Workers stop getting its items at once. Answers already given stay in the CSV. This cannot be undone.",
            yesText: "Cancel job",
            cancelText: "Keep it running");
        if (confirmed == true)
        {
            await ChangeAsync(JobAction.Cancel);
        }
    }

    private void OnJobChanged(Guid jobId)
    {
        if (jobId == JobId || jobId == Guid.Empty)
        {
            _ = InvokeAsync(async () =>
            {
                await ReloadAsync();
                StateHasChanged();
            });
        }
    }

    public void Dispose() => Notifier.Changed -= OnJobChanged;
}
