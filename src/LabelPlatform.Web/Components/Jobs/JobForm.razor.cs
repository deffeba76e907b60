using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Policy;
using Microsoft.AspNetCore.Components;

namespace LabelPlatform.Web.Components.Jobs;

/// <summary>The job definition form; checks every rule of <see cref="JobRules"/> before it hands the draft on.</summary>
public partial class JobForm
{
    private string _name = "";
    private string _instructions = "";
    private string _labels = "";
    private int _answersPerItem = LabelPolicy.DefaultAnswersPerItem;
    private string _price = "0.05";
    private string _currency = "USD";
    private int _priority;
    private int _leaseMinutes = JobRules.DefaultLeaseMinutes;
    private TaskKind _kind = TaskKind.ImageClassification;
    private int _minBoxSize = JobRules.DefaultMinBoxSize;
    private int _maxBoxes = JobRules.DefaultMaxBoxes;
    private bool _showSuggestions;
    private IReadOnlyList<FieldError> _errors = [];

    [Parameter] public EventCallback<JobDraft> OnValidSubmit { get; set; }

    [Inject] private Microsoft.Extensions.Options.IOptions<LabelPlatform.Billing.BillingOptions> Billing { get; set; } = default!;

    [Parameter] public bool Busy { get; set; }

    [Parameter] public string SubmitText { get; set; } = "Create job";

    public IReadOnlyList<FieldError> Errors => _errors;

    /// <summary>The platform's fee on each answer at this price, as launch will fix it; updated while the price is typed.</summary>
    private string? FeeNote =>
        MoneyFormat.TryParse(_price, _currency, out var price) && price > 0
            ? $"Plus the platform fee of {MoneyFormat.Format(LabelPlatform.Billing.Pricing.Fee(price, Billing.Value), _currency)} per answer " +
              $"({Billing.Value.FeePercent:0.##}%, at least {MoneyFormat.Format(Billing.Value.FeeMinimum, _currency)}): " +
              $"{MoneyFormat.Format(price + LabelPlatform.Billing.Pricing.Fee(price, Billing.Value), _currency)} per answer in all."
            : null;

    /// <summary>Said when the minimum fee, not the percentage, sets the fee and so takes a larger share of each answer than the percentage says.</summary>
    private string? FeeWarning
    {
        get
        {
            if (!MoneyFormat.TryParse(_price, _currency, out var price) || price <= 0)
            {
                return null;
            }

            var fee = LabelPlatform.Billing.Pricing.Fee(price, Billing.Value);
            var share = 100m * fee / price;
            return share > Billing.Value.FeePercent + 5
                ? $"At this price the minimum fee is {share:0}% of each answer, not {Billing.Value.FeePercent:0.##}%: a price of at least " +
                  $"{MoneyFormat.Format((long)decimal.Ceiling(Billing.Value.FeeMinimum * 100m / Billing.Value.FeePercent), _currency)} keeps the fee at its percentage."
                : null;
        }
    }

    /// <summary>
    /// What an item is expected to cost: for one-label jobs, the default quality settings replayed on a simulated crowd and
    /// model with this many labels (<see cref="PolicyEstimate"/>); for others, the answers each item starts with.
    /// </summary>
    private string? Estimate
    {
        get
        {
            if (!MoneyFormat.TryParse(_price, _currency, out var price) || price <= 0 || _answersPerItem is < 1 or > JobRules.MaxAnswersPerItem)
            {
                return null;
            }

            var most = Math.Max(_answersPerItem, Quality.Gold.QualityPolicy.Default.MaxAnswersPerItem);
            if (_kind.DrawsBoxes() || _kind.AllowsManyLabels() || _answersPerItem > 20)
            {
                return $"Each item costs {MoneyFormat.Format(price * _answersPerItem, _currency)} to start ({_answersPerItem} answers × {MoneyFormat.Format(price, _currency)}), " +
                    $"and up to {MoneyFormat.Format(price * most, _currency)} where the answers disagree.";
            }

            var policy = LabelPolicy.Default with { MinAnswers = _answersPerItem, MaxAnswers = most };
            var e = PolicyEstimate.For(Math.Max(2, JobRules.ParseLabels(_labels).Count), policy);
            string Cost(double answers) => MoneyFormat.Format((long)Math.Round(price * answers), _currency);
            return $"Expected with the default quality settings (replayed on a simulated crowd): with a model pre-filter, {e.AnswersPerItem:0.00} answers per item " +
                $"(gold and audit included), {Cost(e.AnswersPerItem)} per item, {e.Accuracy:0.0%} right; without a model, {e.AnswersPerItemWithoutModel:0.00} answers, " +
                $"{Cost(e.AnswersPerItemWithoutModel)} per item, {e.AccuracyWithoutModel:0.0%} right. Items still unsure after {most} answers go to reviewers.";
        }
    }

    private bool Has(string field) => _errors.Any(e => e.Field == field);

    private string? ErrorFor(string field) =>
        Has(field) ? string.Join(" ", _errors.Where(e => e.Field == field).Select(e => e.Message)) : null;

    private async Task SubmitAsync()
    {
        var priceOk = MoneyFormat.TryParse(_price, _currency, out var price);
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
