using LabelPlatform.Jobs;
using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Jobs;

/// <summary>The job definition form; checks every rule of <see cref="JobRules"/> before it hands the draft on.</summary>
public partial class JobForm
{
    private string _name = "";
    private string _instructions = "";
    private string _labels = "";
    private int _answersPerItem = 3;
    private string _price = "0.05";
    private string _currency = "USD";
    private int _priority;
    private int _leaseMinutes = JobRules.DefaultLeaseMinutes;
    private TaskKind _kind = TaskKind.ImageClassification;
    private int _minBoxSize = JobRules.DefaultMinBoxSize;
    private int _maxBoxes = JobRules.DefaultMaxBoxes;
    private bool _showSuggestions = true;
    private IReadOnlyList<FieldError> _errors = [];

    [Parameter] public EventCallback<JobDraft> OnValidSubmit { get; set; }

    [Parameter] public bool Busy { get; set; }

    [Parameter] public string SubmitText { get; set; } = "Create job";

    public IReadOnlyList<FieldError> Errors => _errors;

    private string? Estimate =>
        MoneyFormat.TryParse(_price, out var price) && price > 0 && _answersPerItem > 0
            ? $"Each item costs {MoneyFormat.Format(price * _answersPerItem, _currency)} ({_answersPerItem} answers × {MoneyFormat.Format(price, _currency)})."
            : null;

    private bool Has(string field) => _errors.Any(e => e.Field == field);

    private string? ErrorFor(string field) =>
        Has(field) ? string.Join(" ", _errors.Where(e => e.Field == field).Select(e => e.Message)) : null;

    private async Task SubmitAsync()
    {
        var priceOk = MoneyFormat.TryParse(_price, out var price);
        var draft = new JobDraft(_name.Trim(), _instructions, JobRules.ParseLabels(_labels), _answersPerItem, priceOk ? price : 0, _currency, _priority, _leaseMinutes,
            _kind, _minBoxSize, _maxBoxes, _showSuggestions);
        var errors = JobRules.Validate(draft).ToList();
        if (!priceOk)
        {
            errors.RemoveAll(e => e.Field == nameof(JobDraft.PricePerAnswer));
            errors.Add(new(nameof(JobDraft.PricePerAnswer), "Enter a price like 0.05 (at most two decimals)."));
        }

        _errors = errors;
        if (errors.Count == 0)
        {
            await OnValidSubmit.InvokeAsync(draft);
        }
    }
}
