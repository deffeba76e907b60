using LabelPlatform.Accounts.ListUsers;
using LabelPlatform.Billing.Ledger;
using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ListJobs;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Billing;

/// <summary>A researcher pays a worker on one of the organisation's launched jobs a bonus.</summary>
public partial class PayBonusForm
{
    private List<JobChoice> _jobs = [];
    private Guid? _jobId;
    private string? _worker;
    private string? _amount;
    private string? _note;
    private string? _error;
    private string? _paid;

    private sealed record JobChoice(Guid Id, string Name, string Currency);

    [Inject] private PayBonus PayBonus { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private ListOrganisationJobs ListJobs { get; set; } = default!;

    [Inject] private FindAccount FindAccount { get; set; } = default!;

    /// <summary>Told after a bonus was paid, so the page can show the new balance.</summary>
    [Parameter] public EventCallback OnPaid { get; set; }

    private Guid? JobId { get => _jobId; set => Change(ref _jobId, value); }

    private string? Worker { get => _worker; set => Change(ref _worker, value); }

    private string? Amount { get => _amount; set => Change(ref _amount, value); }

    private string? Note { get => _note; set => Change(ref _note, value); }


    protected override async Task OnInitializedAsync()
    {
        var user = await CurrentUser.GetAsync();
        _jobs = [.. (await ListJobs.HandleAsync(user.OrganisationId))
            .Where(j => j.LaunchedAt != null)
            .OrderByDescending(j => j.LaunchedAt)
            .Select(j => new JobChoice(j.Id, j.Name, j.Currency))];
        _jobId = _jobs.FirstOrDefault()?.Id;
    }

    private async Task SubmitAsync()
    {
        // A second click can arrive before the disabled button is drawn.
        if (Busy)
        {
            return;
        }

        _error = null;
        _paid = null;
        var job = _jobs.FirstOrDefault(j => j.Id == _jobId);
        if (job is null)
        {
            _error = "Pick the job the worker answered.";
            return;
        }

        if (!MoneyFormat.TryParse(_amount, job.Currency, out var amount))
        {
            _error = "Enter a bonus like 1.00.";
            return;
        }

        Busy = true;
        try
        {
            var workerId = await FindWorkerAsync(_worker);
            if (workerId is null)
            {
                _error = "No worker has that email or id.";
                return;
            }

            var user = await CurrentUser.GetAsync();
            var paid = await PayBonus.HandleAsync(user.OrganisationId!.Value, user.UserId, job.Id, workerId, amount, _note ?? "", RequestId);
            if (!paid.IsSuccess)
            {
                _error = paid.Error!.Message;
                return;
            }

            _paid = $"Paid {MoneyFormat.Format(amount, job.Currency)} to {_worker!.Trim()}."
                + (paid.Value == PostOutcome.AlreadyPosted ? " It was paid once; change the form to pay another bonus." : "");
            await OnPaid.InvokeAsync();
        }
        finally
        {
            Busy = false;
        }
    }

    private Task<string?> FindWorkerAsync(string? worker) => FindAccount.HandleAsync(worker);
}
