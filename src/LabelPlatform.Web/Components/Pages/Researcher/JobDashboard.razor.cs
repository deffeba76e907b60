using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Lifecycle;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Queue.Report;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
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
    private List<ReportRow> _reports = [];

    private sealed record ReportRow(string Item, ReportReason Reason, string? Note, DateTimeOffset At);

    [Parameter] public Guid JobId { get; set; }

    [Inject] private IDbContextFactory<AppDbContext> DbFactory { get; set; } = default!;

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
        await using var db = await DbFactory.CreateDbContextAsync();
        _job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == JobId && j.OrganisationId == user.OrganisationId);
        _notFound = _job is null;
        if (_job is not null)
        {
            _counts = (await GetCounts.HandleAsync([JobId]))[JobId];
            _reports = await db.ItemReports.AsNoTracking()
                .Where(r => r.JobId == JobId)
                .OrderByDescending(r => r.CreatedAt)
                .Take(100)
                .Join(db.Items, r => r.ItemId, i => i.Id, (r, i) => new ReportRow(i.SourceName, r.Reason, r.Note, r.CreatedAt))
                .ToListAsync();
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
