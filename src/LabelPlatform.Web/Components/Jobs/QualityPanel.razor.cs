using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Quality.Gold;
using LabelPlatform.Queue;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace LabelPlatform.Web.Components.Jobs;

public partial class QualityPanel
{
    private const long MaxGoldFileBytes = 16 * 1024 * 1024;

    private int _goldCount, _goldLive;

    // Retired gold counts against the pool: the researcher hears of it before checks stop.
    private bool GoldPoolLow => Job.QualityPolicy.GoldPoolLow(_goldLive, _goldCount);
    private double? _answersPerItem;
    private List<GoldCandidate> _candidates = [];
    private IReadOnlyList<WorkerAccuracyRow> _workers = [];
    private string? _goldMessage;
    private List<string> _goldProblems = [];
    private string? _policyMessage;
    private double _goldRate, _newRate, _minAccuracy, _pass, _target, _reviewBelow;
    private int _minGold, _qualification, _maxAnswers, _retireAfter;
    private bool _feedback;
    private AggregationMethod _method;
    private Guid _shownPolicyOf;
    private List<MudBlazor.ChartSeries<double>> _bought = [];
    private Dictionary<(string? State, string? Source), int> _states = [];
    private LabelPlatform.Quality.FinalLabels.JobCalibration? _calibration;
    private List<MudBlazor.ChartSeries<double>> _reliability = [];
    private string[] _reliabilityLabels = [];
    private string[] _boughtLabels = [];
    private MudBlazor.BarChartOptions? _boughtAxis;


    [Inject] private LabelPlatform.Quality.FinalLabels.GetJobQualityFigures Figures { get; set; } = default!;

    [Inject] private GoldItems Gold { get; set; } = default!;

    [Inject] private GoldCandidates Candidates { get; set; } = default!;

    [Inject] private SetQualityPolicy SetPolicy { get; set; } = default!;

    [Inject] private WorkerAccuracy Accuracy { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private LabelPlatform.Web.Security.UploadAllowance Allowance { get; set; } = default!;

    [Parameter, EditorRequired] public Job Job { get; set; } = default!;

    protected override async Task OnParametersSetAsync()
    {
        // The form keeps what the researcher is typing across live refreshes of the same job.
        if (_shownPolicyOf != Job.Id)
        {
            var p = Job.QualityPolicy;
            (_goldRate, _newRate, _minAccuracy, _minGold, _feedback, _qualification, _pass) = (p.GoldRate, p.NewWorkerGoldRate, p.MinAccuracy, p.MinGoldAnswers, p.Feedback, p.QualificationItems, p.QualificationPass);
            (_method, _maxAnswers, _target, _reviewBelow, _retireAfter) = (p.Aggregation, p.MaxAnswersPerItem, p.TargetConfidence, p.ReviewBelowAccuracy, p.GoldRetireAfter);
            _shownPolicyOf = Job.Id;
        }

        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var user = await CurrentUser.GetAsync();
        var figures = await Figures.HandleAsync(Job.Id);
        var shown = figures.GoldShown;
        (_goldCount, _goldLive) = (shown.Count, shown.Count(Job.QualityPolicy.IsLive));
        var answered = figures.AnswersPerAnsweredItem;
        _answersPerItem = answered.Count == 0 ? null : answered.Average();

        // How many items got 1, 2, 3… answers: with dynamic overlap the money goes where the crowd disagrees.
        var most = answered.Count == 0 ? 0 : answered.Max();
        _boughtLabels = [.. Enumerable.Range(1, most).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        _bought = most == 0 ? [] : [new() { Name = "Items", Data = Enumerable.Range(1, most).Select(n => (double)answered.Count(c => c == n)).ToArray() }];
        _boughtAxis = ChartScale.Counts(_bought);
        _candidates = [.. await Candidates.ForJobAsync(Job.Id, user.OrganisationId!.Value)];
        _states = figures.FinalStates.ToDictionary();

        // The reliability curve: per band of raw confidence, the model's observed rate of being right and the calibrated probability.
        _calibration = figures.Calibration;
        var bins = _calibration?.Bins ?? [];
        _reliabilityLabels = [.. bins.Select(b => $"{100 * b.From:0}–{100 * b.To:0}% ({b.Items:N0})")];
        _reliability = bins.Count == 0 ? [] :
        [
            // In percent: the axis steps in whole units (Shared/ChartScale).
            new() { Name = "Model's confidence", Data = bins.Select(b => 100 * b.MeanConfidence).ToArray() },
            new() { Name = "Right, as answers show", Data = bins.Select(b => 100 * b.Observed).ToArray() },
            new() { Name = "Calibrated probability", Data = bins.Select(b => 100 * b.Calibrated).ToArray() },
        ];
        _workers = await Accuracy.ForJobAsync(Job.Id, user.OrganisationId!.Value);
    }

    private async Task UploadGoldAsync(IBrowserFile? file)
    {
        (_goldMessage, _goldProblems) = (null, []);
        if (file is null)
        {
            return;
        }

        if (Allowance.Refusal(LabelPlatform.Web.Security.UploadAllowance.Kind.Files, (await CurrentUser.GetAsync()).UserId) is { } tooMany)
        {
            (_goldMessage, _goldProblems) = (tooMany, [tooMany]);
            return;
        }

        if (file.Size > MaxGoldFileBytes)
        {
            _goldMessage = $"{file.Name} is {file.Size:N0} bytes; gold files can be at most {MaxGoldFileBytes:N0}.";
            _goldProblems = [_goldMessage];
            return;
        }

        using var reader = new StreamReader(file.OpenReadStream(MaxGoldFileBytes));
        var content = await reader.ReadToEndAsync();
        var user = await CurrentUser.GetAsync();
        var result = await Gold.ImportAsync(Job.Id, user.OrganisationId!.Value, file.Name, content);
        if (!result.IsSuccess)
        {
            (_goldMessage, _goldProblems) = (result.Error!.Message, [result.Error.Message]);
        }
        else if (!result.Value!.Succeeded)
        {
            (_goldMessage, _goldProblems) = ($"No gold was marked: {result.Value.Problems.Count} rows have problems.", [.. result.Value.Problems]);
        }
        else
        {
            _goldMessage = $"{result.Value.Marked} items are gold now.";
        }

        await LoadAsync();
    }

    private async Task PromoteAsync(GoldCandidate candidate)
    {
        var user = await CurrentUser.GetAsync();
        var error = await Gold.MarkAsync(Job.Id, user.OrganisationId!.Value, candidate.ItemId, candidate.Answer, null);
        _goldMessage = error?.Message ?? $"{candidate.SourceName} is gold now: {candidate.Final}.";
        _goldProblems = error is null ? [] : [error.Message];
        await LoadAsync();
    }

    private async Task SavePolicyAsync()
    {
        var user = await CurrentUser.GetAsync();
        var policy = new QualityPolicy(_goldRate, _newRate, _minAccuracy, _minGold, _feedback, _qualification, _pass, _method, _maxAnswers, _target, _reviewBelow, _retireAfter);
        var error = await SetPolicy.HandleAsync(Job.Id, user.OrganisationId!.Value, policy);
        _policyMessage = error?.Message ?? "Saved: claims, checks and final labels follow these settings from now on.";
    }
}
