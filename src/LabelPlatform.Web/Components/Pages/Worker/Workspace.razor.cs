using LabelPlatform.Data;
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
using LabelPlatform.Queue.Skip;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Web.Components.Labelling;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.EntityFrameworkCore;
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
    private static readonly Answer NoAnswer = new(null, null);

    private Job? _job;
    private Claim? _claim;
    private TaskView? _task;
    private Answer _answer = NoAnswer;
    private readonly Stack<Answer> _undo = new();
    private readonly Stack<Answer> _redo = new();
    private bool _suggested;
    private LabelPicker? _picker;
    private BoxEditor? _editor;
    private int _selectedBox = -1;
    private int _activeClass;
    private bool _showBoxes = true;
    private string? _message;
    private string? _invalid;
    private bool _submitting;
    private int _answered;
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

    private sealed record TaskView(int Width, int Height, string? Text, string? PreAnnotation, bool Audit);

    [Parameter] public Guid JobId { get; set; }

    [Inject] private IDbContextFactory<AppDbContext> DbFactory { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ClaimNextItem ClaimNext { get; set; } = default!;

    [Inject] private SubmitAnswer Submit { get; set; } = default!;

    [Inject] private ExtendLease Extend { get; set; } = default!;

    [Inject] private SkipItem Skip { get; set; } = default!;

    [Inject] private ReportItem Report { get; set; } = default!;

    [Inject] private WorkDrafts Drafts { get; set; } = default!;

    [Inject] private TimeProvider Clock { get; set; } = default!;

    [Inject] private JobExamples Examples { get; set; } = default!;

    [Inject] private JobProgressNotifier Notifier { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    [Inject] private AssignmentFiles Files { get; set; } = default!;

    [Inject] private LabelPlatform.Accounts.EmailConfirmation.EmailConfirmation Confirmation { get; set; } = default!;

    // Made once per claim (a new link is a new download): the item's picture for the label picker and for the box editor.
    private (string Picture, string Editor) _links;

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

        if (!await Confirmation.MayTakePaidWorkAsync((await CurrentUser.GetAsync()).UserId))
        {
            _message = LabelPlatform.Accounts.EmailConfirmation.EmailConfirmation.NotConfirmed.Message;
            return;
        }

        await ClaimAsync();

        // After the claim: example pictures are served only to workers holding an item in the job.
        _examples = await Examples.ListAsync(JobId);
        Notifier.Changed += OnJobChanged;
        _heartbeat = new CancellationTokenSource();
        _ = HeartbeatAsync(TimeSpan.FromMinutes(_job.LeaseMinutes) / 3, _heartbeat.Token);
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

    /// <summary>
    /// Claims the next item and shows it with its starting answer. Everything is loaded first and
    /// shown at once, so no render in between can pair the new item with the old item's answer.
    /// </summary>
    private async Task ClaimAsync()
    {
        var user = await CurrentUser.GetAsync();
        var result = await ClaimNext.HandleAsync(JobId, user.UserId);
        _invalid = null;
        _undo.Clear();
        _redo.Clear();
        _selectedBox = -1;
        if (!result.IsSuccess)
        {
            (_claim, _task, _answer, _suggested) = (null, null, NoAnswer, false);
            _message = result.Error == ClaimNextItem.NoWorkLeft
                ? $"You have done everything this job has for you{(_answered > 0 ? $" ({_answered} answers this session)" : "")}. Thank you!"
                : result.Error!.Message;
            return;
        }

        var claim = result.Value!;
        TaskView task;
        await using (var db = await DbFactory.CreateDbContextAsync())
        {
            task = await db.Items.AsNoTracking()
                .Where(i => i.Id == claim.ItemId)
                .Select(i => new TaskView(i.Width, i.Height, i.Text, i.PreAnnotation, i.MachineAudit))
                .SingleAsync();
        }

        var (answer, suggested) = await StartingAnswerAsync(claim, task, user.UserId);
        (_claim, _task, _answer, _suggested) = (claim, task, answer, suggested);
        _links = (Files.LinkFor(claim.AssignmentId, 1600), Files.LinkFor(claim.AssignmentId, 2048));
        _focusWork = true;
    }

    /// <summary>
    /// The newest draft (this browser's or the server's), else the model's suggestion if the job shows them, else nothing.
    /// Never on an audit item: people label those to measure the model, and a pre-filled answer would anchor them to it.
    /// </summary>
    private async Task<(Answer, bool Suggested)> StartingAnswerAsync(Claim claim, TaskView task, string workerId)
    {
        var server = await Drafts.LoadAsync(claim.AssignmentId, workerId);
        LocalDraft? local = null;
        try
        {
            local = await JS.InvokeAsync<LocalDraft?>("labelPlatform.drafts.load", claim.AssignmentId);
        }
        catch (JSException)
        {
            // No browser storage: the server's draft is enough.
        }

        var localAnswer = Answer.FromJson(local?.Json);
        if (localAnswer is not null && (server is null || local!.SavedAt >= server.Value.SavedAt))
        {
            return (localAnswer, false);
        }

        if (server is { } saved)
        {
            return (saved.Answer, false);
        }

        if (_job!.ShowSuggestions && !task.Audit && Answer.FromJson(task.PreAnnotation) is { } suggestion)
        {
            var marked = Answer.WithBoxes(suggestion.Boxes.Select(b => b with { Suggested = true }));
            return (suggestion.Boxes.Count > 0 ? marked : suggestion, true);
        }

        return (NoAnswer, false);
    }

    private sealed record LocalDraft(string Json, DateTimeOffset SavedAt);

    private async Task ChangeAnswerAsync(Answer next, bool undoable)
    {
        if (next.SameAs(_answer))
        {
            return;
        }

        if (undoable)
        {
            _undo.Push(_answer);
            _redo.Clear();
        }

        _answer = next;
        _invalid = null;
        await SaveDraftAsync();
    }

    private async Task SaveDraftAsync()
    {
        if (_claim is null)
        {
            return;
        }

        // Both copies carry the server's time of this change, so the newest change wins on reload
        // whichever copy landed last and whatever the browser's clock says.
        // Microseconds, as the database keeps them, so both copies of one change carry the same time.
        var now = Clock.GetUtcNow();
        var (assignmentId, answer, changedAt) = (_claim.AssignmentId, _answer, now.AddTicks(-(now.Ticks % 10)));
        try
        {
            await JS.InvokeVoidAsync("labelPlatform.drafts.save", assignmentId, answer.ToJson(), changedAt);
        }
        catch (JSException)
        {
            // The server keeps it too.
        }

        var user = await CurrentUser.GetAsync();
        await Drafts.SaveAsync(assignmentId, user.UserId, answer, changedAt);
    }

    private Task OnLabelsChangedAsync(IReadOnlyList<string> labels) => ChangeAnswerAsync(Answer.ManyLabels(labels), undoable: true);

    // The box editor keeps its own undo history.
    private Task OnBoxesChangedAsync(IReadOnlyList<BoundingBox> boxes) => ChangeAnswerAsync(Answer.WithBoxes(boxes), undoable: false);

    private Task UndoAsync() => _editor is not null ? _editor.UndoAsync() : StepAsync(_undo, _redo);

    private Task RedoAsync() => _editor is not null ? _editor.RedoAsync() : StepAsync(_redo, _undo);

    /// <summary>Label answers: back (or forward) one change, keeping the way to return.</summary>
    private async Task StepAsync(Stack<Answer> from, Stack<Answer> to)
    {
        if (from.Count > 0)
        {
            to.Push(_answer);
            _answer = from.Pop();
            await SaveDraftAsync();
        }
    }

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (_overlay != Overlay.None || _claim is null || _job is null)
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
        if (_job.Kind.DrawsBoxes() && !ctrl && !e.AltKey)
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
        if (_claim is null && overlay != Overlay.Help)
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
        var answer = _job!.Kind.AllowsManyLabels() ? Answer.ManyLabels(labels) : labels.Count == 1 ? Answer.OneLabel(labels[0]) : null;
        await SubmitAsync(answer);
    }

    private async Task SubmitBoxesAsync()
    {
        if (_editor is null || _submitting)
        {
            return;
        }

        // The browser holds the latest boxes (a nudge may still be on its way): ask it.
        var boxes = await _editor.GetBoxesAsync();
        await ChangeAnswerAsync(Answer.WithBoxes(boxes), undoable: false);
        await SubmitAsync(_answer);
    }

    private async Task SubmitAsync(Answer? answer)
    {
        if (_claim is null || _submitting)
        {
            return;
        }

        _submitting = true;
        try
        {
            var user = await CurrentUser.GetAsync();
            var assignmentId = _claim.AssignmentId;
            var result = await Submit.HandleAsync(assignmentId, user.UserId, answer);
            if (result.IsSuccess)
            {
                _answered++;
                _message = null;
                await ForgetLocalDraftAsync(assignmentId);
            }
            else if (result.Error!.Code == "invalid_answer" || result.Error.Code == "conflict")
            {
                // The work stays on screen, with what is wrong.
                _invalid = result.Error.Message;
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

    private async Task ForgetLocalDraftAsync(Guid assignmentId)
    {
        try
        {
            await JS.InvokeVoidAsync("labelPlatform.drafts.clear", assignmentId);
        }
        catch (JSException)
        {
            // Nothing kept in this browser.
        }
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
        if (_claim is null || _submitting)
        {
            return;
        }

        _submitting = true;
        try
        {
            var user = await CurrentUser.GetAsync();
            var assignmentId = _claim.AssignmentId;
            var error = await leave(assignmentId, user.UserId);
            if (error?.Code == "validation")
            {
                _reportError = error.Message;
                return;
            }

            _message = error?.Message ?? thanks;
            _overlay = Overlay.None;
            _reportNote = null;
            await ForgetLocalDraftAsync(assignmentId);
            await ClaimAsync();
        }
        finally
        {
            _submitting = false;
        }
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
        if (_claim is null || _submitting)
        {
            return;
        }

        var user = await CurrentUser.GetAsync();
        var extended = await Extend.HandleAsync(_claim.AssignmentId, user.UserId);
        if (extended.IsSuccess)
        {
            _claim = _claim with { LeaseExpiresAt = extended.Value };
            StateHasChanged();
            return;
        }

        _message = extended.Error!.Message;
        await ClaimAsync();
        StateHasChanged();
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
}
