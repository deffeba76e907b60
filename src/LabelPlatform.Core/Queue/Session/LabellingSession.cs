using LabelPlatform.Accounts.EmailConfirmation;
using LabelPlatform.Common;
using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Labelling.Drafts;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Leases;
using LabelPlatform.Queue.Submit;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Queue.Session;

/// <summary>The item being labelled, as the workspace draws it.</summary>
public sealed record ItemView(int Width, int Height, string? Text, string? PreAnnotation, bool Audit);

/// <summary>A draft kept in the worker's browser: the answer's JSON and the server time of the change.</summary>
public sealed record LocalDraft(string Json, DateTimeOffset SavedAt);

/// <summary>
/// The browser's copy of the work in progress (local storage in the page; nothing in a test). Each
/// method may fail silently: the server's draft is always kept too.
/// </summary>
public interface IBrowserDrafts
{
    Task<LocalDraft?> LoadAsync(Guid assignmentId);

    Task SaveAsync(Guid assignmentId, string json, DateTimeOffset changedAt);

    Task ClearAsync(Guid assignmentId);
}

/// <summary>
/// One worker's labelling session on one job, without any rendering: claim an item, start from the
/// newest draft (or the model's suggestion), change the answer with undo and redo, submit, skip or
/// report, keep the lease alive, claim the next. The workspace page renders its state and forwards
/// events to it; tests drive it directly.
/// </summary>
public sealed class LabellingSession(
    IDbContextFactory<AppDbContext> dbFactory,
    EmailConfirmation confirmation,
    ClaimNextItem claimNext,
    SubmitAnswer submit,
    ExtendLease extend,
    WorkDrafts drafts,
    TimeProvider clock)
{
    public static readonly Answer NoAnswer = new(null, null);

    private readonly Stack<Answer> _undo = new();
    private readonly Stack<Answer> _redo = new();
    private IBrowserDrafts _browser = NoBrowser.Instance;
    private string _workerId = "";

    public Job? Job { get; private set; }

    /// <summary>The item held now; null when there is nothing (left) to do.</summary>
    public Claim? Claim { get; private set; }

    public ItemView? Item { get; private set; }

    public Answer Answer { get; private set; } = NoAnswer;

    /// <summary>The answer on screen came from the model, not the worker.</summary>
    public bool Suggested { get; private set; }

    /// <summary>What the page says above the work (why nothing is shown, thanks, an error).</summary>
    public string? Message { get; private set; }

    /// <summary>Why the last submission was refused; the work stays on screen.</summary>
    public string? Invalid { get; private set; }

    /// <summary>A submit, skip or report is on its way: nothing else is sent meanwhile.</summary>
    public bool Busy { get; private set; }

    /// <summary>Answers submitted in this session.</summary>
    public int Answered { get; private set; }

    public bool CanUndo => _undo.Count > 0;

    public bool CanRedo => _redo.Count > 0;

    /// <summary>Opens the job for <paramref name="workerId"/> and claims a first item; false when the worker cannot work here (see <see cref="Message"/>).</summary>
    public async Task<bool> StartAsync(Guid jobId, string workerId, IBrowserDrafts? browser = null, CancellationToken ct = default)
    {
        (_workerId, _browser) = (workerId, browser ?? NoBrowser.Instance);
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            Job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, ct);
        }

        if (Job is null)
        {
            Message = "This job does not exist.";
            return false;
        }

        if (!await confirmation.MayTakePaidWorkAsync(workerId))
        {
            Message = EmailConfirmation.NotConfirmed.Message;
            Job = null;
            return false;
        }

        await ClaimAsync(ct);
        return true;
    }

    /// <summary>
    /// Claims the next item and takes its starting answer. Everything is loaded first and set at once,
    /// so no render in between can pair the new item with the old item's answer.
    /// </summary>
    public async Task ClaimAsync(CancellationToken ct = default)
    {
        var result = await claimNext.HandleAsync(Job!.Id, _workerId, ct);
        Invalid = null;
        _undo.Clear();
        _redo.Clear();
        if (!result.IsSuccess)
        {
            (Claim, Item, Answer, Suggested) = (null, null, NoAnswer, false);
            Message = result.Error == ClaimNextItem.NoWorkLeft
                ? $"You have done everything this job has for you{(Answered > 0 ? $" ({Answered} answers this session)" : "")}. Thank you!"
                : result.Error!.Message;
            return;
        }

        var claim = result.Value!;
        ItemView item;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            item = await db.Items.AsNoTracking()
                .Where(i => i.Id == claim.ItemId)
                .Select(i => new ItemView(i.Width, i.Height, i.Text, i.PreAnnotation, i.MachineAudit))
                .SingleAsync(ct);
        }

        var (answer, suggested) = await StartingAnswerAsync(claim, item, ct);
        (Claim, Item, Answer, Suggested) = (claim, item, answer, suggested);
    }

    /// <summary>
    /// The newest draft (the browser's or the server's), else the model's suggestion if the job shows them, else nothing.
    /// Never on an audit item: people label those to measure the model, and a pre-filled answer would anchor them to it.
    /// </summary>
    private async Task<(Answer, bool Suggested)> StartingAnswerAsync(Claim claim, ItemView item, CancellationToken ct)
    {
        var server = await drafts.LoadAsync(claim.AssignmentId, _workerId, ct);
        var local = await _browser.LoadAsync(claim.AssignmentId);
        var localAnswer = Answer.FromJson(local?.Json);
        if (localAnswer is not null && (server is null || local!.SavedAt >= server.Value.SavedAt))
        {
            return (localAnswer, false);
        }

        if (server is { } saved)
        {
            return (saved.Answer, false);
        }

        if (Job!.ShowSuggestions && !item.Audit && Answer.FromJson(item.PreAnnotation) is { } suggestion)
        {
            var marked = Answer.WithBoxes(suggestion.Boxes.Select(b => b with { Suggested = true }));
            return (suggestion.Boxes.Count > 0 ? marked : suggestion, true);
        }

        return (NoAnswer, false);
    }

    /// <summary>The worker changed the answer: kept as a draft in the browser and on the server. Box changes keep their own undo history in the editor.</summary>
    public async Task ChangeAnswerAsync(Answer next, bool undoable)
    {
        if (next.SameAs(Answer))
        {
            return;
        }

        if (undoable)
        {
            _undo.Push(Answer);
            _redo.Clear();
        }

        Answer = next;
        Invalid = null;
        await SaveDraftAsync();
    }

    /// <summary>Back one change of a label answer, keeping the way to return.</summary>
    public Task UndoAsync() => StepAsync(_undo, _redo);

    public Task RedoAsync() => StepAsync(_redo, _undo);

    private async Task StepAsync(Stack<Answer> from, Stack<Answer> to)
    {
        if (from.Count > 0)
        {
            to.Push(Answer);
            Answer = from.Pop();
            await SaveDraftAsync();
        }
    }

    private async Task SaveDraftAsync()
    {
        if (Claim is null)
        {
            return;
        }

        // Both copies carry the server's time of this change, so the newest change wins on reload
        // whichever copy landed last and whatever the browser's clock says.
        // Microseconds, as the database keeps them, so both copies of one change carry the same time.
        var now = clock.GetUtcNow();
        var (assignmentId, answer, changedAt) = (Claim.AssignmentId, Answer, now.AddTicks(-(now.Ticks % 10)));
        await _browser.SaveAsync(assignmentId, answer.ToJson(), changedAt);
        await drafts.SaveAsync(assignmentId, _workerId, answer, changedAt);
    }

    /// <summary>Submits <paramref name="answer"/> and claims the next item; a refused answer stays on screen with what is wrong (<see cref="Invalid"/>).</summary>
    public async Task SubmitAsync(Answer? answer)
    {
        if (Claim is null || Busy)
        {
            return;
        }

        Busy = true;
        try
        {
            var assignmentId = Claim.AssignmentId;
            var result = await submit.HandleAsync(assignmentId, _workerId, answer);
            if (result.IsSuccess)
            {
                Answered++;
                Message = null;
                await _browser.ClearAsync(assignmentId);
            }
            else if (result.Error!.Code == "invalid_answer" || result.Error.Code == "conflict")
            {
                Invalid = result.Error.Message;
                return;
            }
            else
            {
                Message = result.Error.Message;
            }

            await ClaimAsync();
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>
    /// Passes on the item without answering (skip or report: <paramref name="leave"/> gets the assignment
    /// and the worker), then claims the next. A validation error is returned and the item kept; any other
    /// error is shown as the message, else <paramref name="thanks"/>.
    /// </summary>
    public async Task<Error?> LeaveAsync(Func<Guid, string, Task<Error?>> leave, string? thanks)
    {
        if (Claim is null || Busy)
        {
            return null;
        }

        Busy = true;
        try
        {
            var assignmentId = Claim.AssignmentId;
            var error = await leave(assignmentId, _workerId);
            if (error?.Code == "validation")
            {
                return error;
            }

            Message = error?.Message ?? thanks;
            await _browser.ClearAsync(assignmentId);
            await ClaimAsync();
            return null;
        }
        finally
        {
            Busy = false;
        }
    }

    /// <summary>The heartbeat: keeps the held item; if it was lost (expired and taken), says so and claims another.</summary>
    public async Task ExtendLeaseAsync()
    {
        if (Claim is null || Busy)
        {
            return;
        }

        var extended = await extend.HandleAsync(Claim.AssignmentId, _workerId);
        if (extended.IsSuccess)
        {
            Claim = Claim with { LeaseExpiresAt = extended.Value };
            return;
        }

        Message = extended.Error!.Message;
        await ClaimAsync();
    }

    /// <summary>With nothing left, the job got more (new items, returned leases): try again. True when the worker now holds an item.</summary>
    public async Task<bool> RetryWhenIdleAsync()
    {
        if (Claim is not null || Job is null)
        {
            return false;
        }

        await ClaimAsync();
        if (Claim is null)
        {
            return false;
        }

        Message = "New work arrived.";
        return true;
    }

    /// <summary>A problem with the work on screen found before it was sent (the box editor's checks), or null once the worker dismisses it.</summary>
    public void ShowProblem(string? problem) => Invalid = problem;

    private sealed class NoBrowser : IBrowserDrafts
    {
        public static readonly NoBrowser Instance = new();

        public Task<LocalDraft?> LoadAsync(Guid assignmentId) => Task.FromResult<LocalDraft?>(null);

        public Task SaveAsync(Guid assignmentId, string json, DateTimeOffset changedAt) => Task.CompletedTask;

        public Task ClearAsync(Guid assignmentId) => Task.CompletedTask;
    }
}
