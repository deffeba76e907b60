using LabelPlatform.Data;
using LabelPlatform.Jobs;
using LabelPlatform.Queue;
using LabelPlatform.Queue.ClaimNext;
using LabelPlatform.Queue.Submit;
using LabelPlatform.Web.Components.Labelling;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;

namespace LabelPlatform.Web.Components.Pages.Worker;

/// <summary>The labelling loop: claim an item, show it, take the answer, claim the next.</summary>
public partial class Workspace
{
    private Job? _job;
    private Claim? _claim;
    private LabelPicker? _picker;
    private string? _message;
    private bool _submitting;
    private int _answered;
    private bool _focusPicker;

    [Parameter] public Guid JobId { get; set; }

    [Inject] private IDbContextFactory<AppDbContext> DbFactory { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ClaimNextItem ClaimNext { get; set; } = default!;

    [Inject] private SubmitAnswer Submit { get; set; } = default!;

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
            var result = await Submit.HandleAsync(_claim.AssignmentId, user.UserId, label);
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
