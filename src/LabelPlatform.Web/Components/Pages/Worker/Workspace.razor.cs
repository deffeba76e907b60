using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Labelling;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Leases;
using LabelPlatform.Queue.Skip;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Web.Components.Labelling;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Components.Pages.Worker;

/// <summary>
/// The labelling loop: claim an item, show it, take the answer, claim the next. While the page is
/// open it heartbeats, so a worker who takes their time keeps the item; a closed tab lets the lease run out.
/// </summary>
public partial class Workspace
{
    private Job? _job;
    private Claim? _claim;
    private LabelPicker? _picker;
    private string? _message;
    private bool _submitting;
    private int _answered;
    private bool _focusPicker;
    private CancellationTokenSource? _heartbeat;

    [Parameter] public Guid JobId { get; set; }

    [Inject] private IDbContextFactory<AppDbContext> DbFactory { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ClaimNextItem ClaimNext { get; set; } = default!;

    [Inject] private SubmitAnswer Submit { get; set; } = default!;

    [Inject] private ExtendLease Extend { get; set; } = default!;

    [Inject] private SkipItem Skip { get; set; } = default!;

    [Inject] private JobProgressNotifier Notifier { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            _job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == JobId);
        }

        if (_job is null)
        {
            _message = "This job does not exist.";
            return;
        }

        await ClaimAsync();
        Notifier.Changed += OnJobChanged;
        _heartbeat = new CancellationTokenSource();
        _ = HeartbeatAsync(TimeSpan.FromMinutes(_job.LeaseMinutes) / 3, _heartbeat.Token);
    }

    private async Task HeartbeatAsync(TimeSpan every, CancellationToken ct)
    {
        using var timer = new PeriodicTimer(every < TimeSpan.FromMinutes(1) ? every : TimeSpan.FromMinutes(1));
        try
        {
            while (await timer.WaitForNextTickAsync(ct))
            {
                await InvokeAsync(ExtendHeldLeaseAsync);
            }
        }
        catch (OperationCanceledException)
        {
            // The page closed.
        }
    }

    private async Task ExtendHeldLeaseAsync()
    {
        if (_claim is null || _submitting)
        {
            return;
        }

        var user = await CurrentUser.GetAsync();
        var extended = await Extend.HandleAsync(_claim.AssignmentId, user.UserId);
        if (extended.IsSuccess)
        {
            _claim = _claim with { LeaseExpiresAt = extended.Value };
            return;
        }

        _message = extended.Error!.Message;
        await ClaimAsync();
        StateHasChanged();
    }

    private async Task SkipAsync()
    {
        if (_claim is null || _submitting)
        {
            return;
        }

        _submitting = true;
        try
        {
            var user = await CurrentUser.GetAsync();
            var error = await Skip.HandleAsync(_claim.AssignmentId, user.UserId);
            _message = error?.Message;
            await ClaimAsync();
        }
        finally
        {
            _submitting = false;
        }
    }

    // With nothing left, wait for the job to get more (new items, returned leases) and carry on by itself.
    private void OnJobChanged(Guid jobId)
    {
        if (_claim is null && _job is not null && (jobId == JobId || jobId == Guid.Empty))
        {
            _ = InvokeAsync(async () =>
            {
                if (_claim is null)
                {
                    await ClaimAsync();
                    if (_claim is not null)
                    {
                        _message = "New work arrived.";
                    }

                    StateHasChanged();
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        Notifier.Changed -= OnJobChanged;
        if (_heartbeat is not null)
        {
            await _heartbeat.CancelAsync();
            _heartbeat.Dispose();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusPicker && _picker is not null)
        {
            _focusPicker = false;
            await _picker.FocusAsync();
        }
    }

    private async Task ClaimAsync()
    {
        var user = await CurrentUser.GetAsync();
        var result = await ClaimNext.HandleAsync(JobId, user.UserId);
        _claim = result.Value;
        if (!result.IsSuccess)
        {
            _message = result.Error == ClaimNextItem.NoWorkLeft
                ? $"You have done everything this job has for you{(_answered > 0 ? $" ({_answered} answers this session)" : "")}. Thank you!"
                : result.Error!.Message;
        }

        _focusPicker = _claim is not null;
    }

    private async Task SubmitAsync(string label)
    {
        if (_claim is null || _submitting)
        {
            return;
        }

        _submitting = true;
        try
        {
            var user = await CurrentUser.GetAsync();
            var result = await Submit.HandleAsync(_claim.AssignmentId, user.UserId, Answer.OneLabel(label));
            if (result.IsSuccess)
            {
                _answered++;
                _message = null;
            }
            else if (result.Error!.Code != Assignment.LeaseExpired.Code)
            {
                _message = result.Error.Message;
                return;
            }
            else
            {
                _message = result.Error.Message;
            }

            await ClaimAsync();
        }
        finally
        {
            _submitting = false;
        }
    }
}
