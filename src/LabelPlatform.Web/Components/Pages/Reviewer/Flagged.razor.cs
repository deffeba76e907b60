using LabelPlatform.Jobs.Progress;
using LabelPlatform.Review.Batches;
using LabelPlatform.Review.Flagged;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;

namespace LabelPlatform.Web.Components.Pages.Reviewer;

/// <summary>
/// The reviewer's page: what waits per job, and the batch they hold, decided by keyboard: move
/// with J/K, mark with X, a reason with a digit (or F for their own words), Enter to decide.
/// </summary>
public partial class Flagged
{
    private static readonly TimeSpan ReloadAtMostEvery = TimeSpan.FromSeconds(1);

    private enum Overlay
    {
        None,
        Help,
        Confirm,
    }

    private static readonly IReadOnlyList<(string Keys, string What)> Keys =
    [
        ("J ↓ →", "Next submission"),
        ("K ↑ ←", "Previous submission"),
        ("X Space", "Mark or unmark the submission to reject"),
        ("1–9", "Reject it for the job's reason with that number"),
        ("F", "Type your own reason (Enter returns to the batch)"),
        ("A Enter", "Approve the rest and reject the marked (asks first)"),
        ("G", "Get a batch (when you hold none)"),
        ("?", "This list"),
    ];

    private readonly Dictionary<Guid, string> _marks = [];
    private FlaggedList? _overview;
    private ReviewBatchView? _batch;
    private ReviewBatchView? _decided;

    // One sealed link per card, made once: a new link is a new download.
    private readonly Dictionary<Guid, string> _links = [];

    [Inject] private LabelPlatform.Queue.Files.AssignmentFiles Files { get; set; } = default!;

    private string LinkOf(Guid assignmentId)
    {
        if (!_links.TryGetValue(assignmentId, out var link))
        {
            _links[assignmentId] = link = Files.ReviewerLinkFor(assignmentId, 256);
        }

        return link;
    }
    private Guid? _pickJob;
    private int _current;
    private string? _error;
    private string? _message;
    private bool _busy;
    private Overlay _overlay;
    private bool _focusHost;
    private bool _focusOverlay;
    private bool _focusFreeText;
    private bool _scroll;
    private ElementReference _host;
    private ElementReference _overlayRef;
    private ElementReference _freeText;
    private int _reloadScheduled;
    private bool _disposed;

    /// <summary>Preselects a job for "Get a batch" (<c>/review?job=...</c>).</summary>
    [SupplyParameterFromQuery(Name = "job")]
    public Guid? JobId { get; set; }

    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    [Inject] private FlaggedSubmissions Overview { get; set; } = default!;

    [Inject] private LabelPlatform.Quality.Gold.GetReviewerQuality ReviewerQuality { get; set; } = default!;

    // The reviewer's own record on audits (answers with known rightness mixed into batches).
    private LabelPlatform.Quality.Gold.ReviewerQuality? _audit;

    [Inject] private ClaimReviewBatch Claim { get; set; } = default!;

    [Inject] private LoadReviewBatch Load { get; set; } = default!;

    [Inject] private DecideReviewBatch Decide { get; set; } = default!;

    [Inject] private JobProgressNotifier Notifier { get; set; } = default!;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    private int MissingReasons => _marks.Values.Count(string.IsNullOrWhiteSpace);

    protected override async Task OnParametersSetAsync()
    {
        Notifier.Changed -= OnJobChanged;
        Notifier.Changed += OnJobChanged;
        _pickJob = JobId;
        await LoadOverviewAsync();
        if (_batch is null && await Load.HeldAsync((await AuthState).User) is { } held)
        {
            await ShowBatchAsync(held);
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusOverlay)
        {
            _focusOverlay = false;
            await _overlayRef.FocusAsync();
        }
        else if (_focusFreeText)
        {
            _focusFreeText = false;
            await _freeText.FocusAsync();
        }
        else if (_focusHost || firstRender)
        {
            _focusHost = false;
            await _host.FocusAsync();
        }

        if (_scroll && _batch is { Cards.Count: > 0 })
        {
            _scroll = false;
            await JS.InvokeVoidAsync("labelPlatform.scrollIntoView", $".lp-flagged[data-assignment='{_batch.Cards[_current].Submission.AssignmentId}']");
        }
    }

    private async Task LoadOverviewAsync()
    {
        var user = (await AuthState).User;
        var result = await Overview.HandleAsync(user, new FlaggedQuery(Take: 1));
        (_overview, _error) = (result.Value, result.Error?.Message);
        if (Reviewers.IdOf(user) is { } reviewerId)
        {
            _audit = await ReviewerQuality.HandleAsync(reviewerId);
        }
    }

    private async Task GetBatchAsync()
    {
        _busy = true;
        try
        {
            var claimed = await Claim.HandleAsync((await AuthState).User, _pickJob);
            if (claimed.Error is { } error)
            {
                _error = error.Message;
            }
            else if (claimed.Value is null)
            {
                _message = _pickJob is null ? "Nothing waits for you right now." : "Nothing waits for you in this job right now.";
                await LoadOverviewAsync();
            }
            else
            {
                _message = null;
                await ShowBatchAsync(claimed.Value.BatchId);
            }
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task ShowBatchAsync(Guid batchId)
    {
        var view = await Load.HandleAsync((await AuthState).User, batchId);
        _error = view.Error?.Message;
        _decided = null;
        _links.Clear();
        _batch = view.Value;
        _marks.Clear();
        _current = 0;
        _focusHost = true;
    }

    private async Task DecideAsync()
    {
        if (_batch is null || _busy || MissingReasons > 0)
        {
            return;
        }

        _busy = true;
        try
        {
            var user = (await AuthState).User;
            var batchId = _batch.BatchId;
            var result = await Decide.HandleAsync(user, batchId, _marks.Select(m => new Rejection(m.Key, m.Value)).ToList());
            _overlay = Overlay.None;
            // Decided: now the model's view of each card may be shown, to learn from, without steering anyone.
            _decided = result.Error is null ? (await Load.HandleAsync(user, batchId)).Value : null;
            _message = result.Error?.Message ?? $"Decided: {result.Value!.Approved} approved, {result.Value.Rejected} rejected.";
            if (result.Error is null || result.Error.Code is "batch_expired" or "conflict")
            {
                _batch = null;
                _marks.Clear();
                await LoadOverviewAsync();
            }

            _focusHost = true;
        }
        finally
        {
            _busy = false;
        }
    }

    private string CardClass(int index, bool marked) => (index == _current ? "lp-current " : "") + (marked ? "lp-marked" : "");

    private void Toggle(int index)
    {
        _current = index;
        var id = _batch!.Cards[index].Submission.AssignmentId;
        if (!_marks.Remove(id))
        {
            _marks[id] = _batch.RejectionReasons.FirstOrDefault() ?? "";
        }
    }

    private void SetReason(int index, string? reason)
    {
        _current = index;
        _marks[_batch!.Cards[index].Submission.AssignmentId] = reason?.Trim() ?? "";
    }

    private void Move(int by)
    {
        if (_batch is { Cards.Count: > 0 })
        {
            _current = Math.Clamp(_current + by, 0, _batch.Cards.Count - 1);
            _scroll = true;
        }
    }

    private async Task OnKeyDownAsync(KeyboardEventArgs e)
    {
        if (e.CtrlKey || e.MetaKey || e.AltKey)
        {
            return;
        }

        // A key pressed before focus reached the open overlay still means what it means there.
        if (_overlay != Overlay.None)
        {
            await OnOverlayKeyAsync(e);
            return;
        }

        if (e.Key == "?")
        {
            Open(Overlay.Help);
            return;
        }

        if (_batch is null)
        {
            if (e.Key is "g" or "G" && _overview is { Jobs.Count: > 0 })
            {
                await GetBatchAsync();
            }

            return;
        }

        switch (e.Key)
        {
            case "j" or "J" or "ArrowDown" or "ArrowRight":
                Move(1);
                break;
            case "k" or "K" or "ArrowUp" or "ArrowLeft":
                Move(-1);
                break;
            case "x" or "X" or " ":
                Toggle(_current);
                break;
            case "f" or "F":
                if (!_marks.ContainsKey(_batch.Cards[_current].Submission.AssignmentId))
                {
                    Toggle(_current);
                }

                _focusFreeText = true;
                break;
            case "a" or "A" or "Enter":
                Open(Overlay.Confirm);
                break;
            case { Length: 1 } digit when char.IsAsciiDigit(digit[0]) && digit[0] - '1' is var r && r >= 0 && r < _batch.RejectionReasons.Count:
                SetReason(_current, _batch.RejectionReasons[r]);
                break;
        }
    }

    private void OnFreeTextKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key is "Enter" or "Escape")
        {
            _focusHost = true;
        }
    }

    private void Open(Overlay overlay)
    {
        _overlay = overlay;
        _focusOverlay = true;
    }

    private void CloseOverlay()
    {
        _overlay = Overlay.None;
        _focusHost = true;
    }

    private async Task OnOverlayKeyAsync(KeyboardEventArgs e)
    {
        if (e.Key == "Escape" || (_overlay == Overlay.Help && e.Key == "?"))
        {
            CloseOverlay();
        }
        else if (_overlay == Overlay.Confirm && e.Key == "Enter")
        {
            await DecideAsync();
        }
    }

    /// <summary>While verdicts stream in, the overview reloads at most once a second instead of once per review batch.</summary>
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
                await LoadOverviewAsync();
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
