using LabelPlatform.Jobs;
using LabelPlatform.Jobs.Examples;
using LabelPlatform.Jobs.Progress;
using LabelPlatform.Jobs.Storage;
using LabelPlatform.Labelling;
using LabelPlatform.Labelling.Drafts;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Files;
using LabelPlatform.Queue.Leases;
using LabelPlatform.Queue.Report;
using LabelPlatform.Queue.Session;
using LabelPlatform.Queue.Skip;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Web.Components.Labelling;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace LabelPlatform.Web.Components.Pages.Worker;

/// <summary>
/// The labelling loop for every task kind: claim an item, show it, take the answer, claim the next.
/// The work in progress is kept as a draft in the browser and on the server, so a reload or a new
/// connection restores it; a model's pre-annotation starts the work when the job shows suggestions.
/// While the page is open it heartbeats, so a worker who takes their time keeps the item.
/// </summary>
public partial class Workspace
{
    private LabelPicker? _picker;
    private BoxEditor? _editor;
    private int _selectedBox = -1;
    private int _activeClass;
    private bool _showBoxes = true;
    private bool _focusWork;
    private Overlay _overlay;
    private ElementReference _overlayRef;
    private bool _focusOverlay;
    private int _skipReason;
    private ReportReason _reportReason;
    private string? _reportNote;
    private string? _reportError;
    private CancellationTokenSource? _heartbeat;
    private List<JobExample> _examples = [];

    private enum Overlay
    {
        None,
        Help,
        Skip,
        Report,
    }

    [Parameter] public Guid JobId { get; set; }

    /// <summary>The labelling session this page renders; its state and rules live there (tested without a browser).</summary>
    [Inject] private LabellingSession Session { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private SkipItem Skip { get; set; } = default!;

    [Inject] private ReportItem Report { get; set; } = default!;

    [Inject] private JobExamples Examples { get; set; } = default!;

    [Inject] private JobProgressNotifier Notifier { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private AssignmentFiles Files { get; set; } = default!;

    // Made once per claim (a new link is a new download): the item's picture for the label picker and for the box editor.
    private (string Picture, string Editor) _links;

    protected override async Task OnInitializedAsync()
    {
        var user = await CurrentUser.GetAsync();
        if (!await Session.StartAsync(JobId, user.UserId, new BrowserDrafts(JS)))
        {
            return;
        }

        AfterClaim();

        // After the claim: example pictures are served only to workers holding an item in the job.
        _examples = await Examples.ListAsync(JobId);
        Notifier.Changed += OnJobChanged;
        _heartbeat = new CancellationTokenSource();
        _ = HeartbeatAsync(TimeSpan.FromMinutes(Session.Job!.LeaseMinutes) / 3, _heartbeat.Token);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusOverlay)
        {
            _focusOverlay = false;
            await _overlayRef.FocusAsync();
        }
        else if (_focusWork)
        {
            _focusWork = false;
            if (_picker is not null)
            {
                await _picker.FocusAsync();
            }
            else if (_editor is not null)
            {
                await _editor.FocusAsync();
            }
        }
    }

    /// <summary>A new item (or none) came with the session's last claim: fresh links, the editor's state reset, focus on the work.</summary>
    private void AfterClaim()
    {
        _selectedBox = -1;
        if (Session.Claim is { } claim)
        {
            _links = (Files.LinkFor(claim.AssignmentId, 1600), Files.LinkFor(claim.AssignmentId, 2048));
            _focusWork = true;
        }
    }

    /// <summary>Runs a session step that may claim the next item, then takes the new item's links if it did.</summary>
    private async Task StepAndFollowAsync(Func<Task> step)
    {
        var before = Session.Claim?.AssignmentId;
        await step();
        if (Session.Claim?.AssignmentId != before)
        {
            AfterClaim();
        }
    }

    private Task OnLabelsChangedAsync(IReadOnlyList<string> labels) => Session.ChangeAnswerAsync(Answer.ManyLabels(labels), undoable: true);

    // The box editor keeps its own undo history.
    private Task OnBoxesChangedAsync(IReadOnlyList<BoundingBox> boxes) => Session.ChangeAnswerAsync(Answer.WithBoxes(boxes), undoable: false);

    private Task UndoAsync() => _editor is not null ? _editor.UndoAsync() : Session.UndoAsync();

    private Task RedoAsync() => _editor is not null ? _editor.RedoAsync() : Session.RedoAsync();

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (_overlay != Overlay.None || Session.Claim is null || Session.Job is null)
        {
            return;
        }

        var ctrl = e.CtrlKey || e.MetaKey;
        switch (e.Key)
        {
            case "?":
                Open(Overlay.Help);
                return;
            case "z" or "Z" when ctrl && !e.ShiftKey:
                await UndoAsync();
                return;
            case "z" or "Z" when ctrl && e.ShiftKey:
            case "y" or "Y" when ctrl:
                await RedoAsync();
                return;
        }

        // The label picker handles Enter and S itself; the box editor lets them through to here.
        if (Session.Job.Kind.DrawsBoxes() && !ctrl && !e.AltKey)
        {
            switch (e.Key)
            {
                case "Enter":
                    await SubmitBoxesAsync();
                    return;
                case "s" or "S":
                    Open(Overlay.Skip);
                    return;
            }
        }
    }

    private void Open(Overlay overlay)
    {
        if (Session.Claim is null && overlay != Overlay.Help)
        {
            return;
        }

        _overlay = overlay;
        _skipReason = 0;
        _reportError = null;
        _focusOverlay = true;
    }

    private Task CloseOverlayAsync()
    {
        _overlay = Overlay.None;
        _focusWork = true;
        return Task.CompletedTask;
    }

    private async Task OnOverlayKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape" || (_overlay == Overlay.Help && e.Key == "?"))
        {
            await CloseOverlayAsync();
            return;
        }

        if (_overlay != Overlay.Skip)
        {
            return;
        }

        if (e.Key == "Enter")
        {
            await SkipAsync();
        }
        else if (e.Key.Length == 1 && char.IsAsciiDigit(e.Key[0]) && e.Key[0] - '1' is var index && index >= 0 && index < SkipItem.Reasons.Count)
        {
            _skipReason = index;
        }
    }

    private async Task SubmitLabelsAsync(IReadOnlyList<string> labels)
    {
        var answer = Session.Job!.Kind.AllowsManyLabels() ? Answer.ManyLabels(labels) : labels.Count == 1 ? Answer.OneLabel(labels[0]) : null;
        await StepAndFollowAsync(() => Session.SubmitAsync(answer));
    }

    private async Task SubmitBoxesAsync()
    {
        if (_editor is null || Session.Busy)
        {
            return;
        }

        // The browser holds the latest boxes (a nudge may still be on its way): ask it.
        var boxes = await _editor.GetBoxesAsync();
        await Session.ChangeAnswerAsync(Answer.WithBoxes(boxes), undoable: false);
        await StepAndFollowAsync(() => Session.SubmitAsync(Session.Answer));
    }

    private Task SkipAsync() =>
        LeaveItemAsync(
            (assignmentId, workerId) => Skip.HandleAsync(assignmentId, workerId, SkipItem.Reasons[_skipReason]),
            thanks: null);

    private Task ReportAsync() =>
        LeaveItemAsync(
            (assignmentId, workerId) => Report.HandleAsync(assignmentId, workerId, _reportReason, _reportNote),
            thanks: "Thank you: the item was reported and you will not see it again.");

    /// <summary>
    /// Passes on the item without answering (skip or report), then shows the next one. A
    /// validation error keeps the dialog open with its message; any other error is shown on the page.
    /// </summary>
    private async Task LeaveItemAsync(Func<Guid, string, Task<LabelPlatform.Common.Error?>> leave, string? thanks)
    {
        var refused = default(LabelPlatform.Common.Error);
        await StepAndFollowAsync(async () => refused = await Session.LeaveAsync(leave, thanks));
        if (refused is not null)
        {
            _reportError = refused.Message;
            return;
        }

        _overlay = Overlay.None;
        _reportNote = null;
    }

    private async Task SelectBoxAsync(int index)
    {
        _selectedBox = index;
        await _editor!.SelectAsync(index);
    }

    private async Task DeleteBoxAsync(int index)
    {
        await _editor!.SelectAsync(index);
        await _editor.DeleteSelectedAsync();
        _selectedBox = -1;
    }

    private async Task ChangeBoxClassAsync((int Box, int Class) change)
    {
        await _editor!.SelectAsync(change.Box);
        await _editor.SetActiveClassAsync(change.Class);
        _activeClass = change.Class;
    }

    private async Task SetActiveClassAsync(int index)
    {
        _activeClass = index;
        await _editor!.SetActiveClassAsync(index);
    }

    private async Task ToggleBoxesAsync()
    {
        _showBoxes = !_showBoxes;
        await _editor!.SetShowBoxesAsync(_showBoxes);
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
        await StepAndFollowAsync(Session.ExtendLeaseAsync);
        StateHasChanged();
    }

    // With nothing left, wait for the job to get more (new items, returned leases) and carry on by itself.
    private void OnJobChanged(Guid jobId)
    {
        if (Session.Claim is null && Session.Job is not null && (jobId == JobId || jobId == Guid.Empty))
        {
            _ = InvokeAsync(async () =>
            {
                if (await Session.RetryWhenIdleAsync())
                {
                    AfterClaim();
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

    /// <summary>The browser's copy of the work in progress, in local storage (wwwroot/js), for the session.</summary>
    private sealed class BrowserDrafts(IJSRuntime js) : IBrowserDrafts
    {
        public async Task<LocalDraft?> LoadAsync(Guid assignmentId)
        {
            try
            {
                return await js.InvokeAsync<LocalDraft?>("labelPlatform.drafts.load", assignmentId);
            }
            catch (JSException)
            {
                return null; // No browser storage: the server's draft is enough.
            }
        }

        public async Task SaveAsync(Guid assignmentId, string json, DateTimeOffset changedAt)
        {
            try
            {
                await js.InvokeVoidAsync("labelPlatform.drafts.save", assignmentId, json, changedAt);
            }
            catch (JSException)
            {
                // The server keeps it too.
            }
        }

        public async Task ClearAsync(Guid assignmentId)
        {
            try
            {
                await js.InvokeVoidAsync("labelPlatform.drafts.clear", assignmentId);
            }
            catch (JSException)
            {
                // Nothing kept in this browser.
            }
        }
    }
}
