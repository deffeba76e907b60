using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Prefilter;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace LabelPlatform.Web.Components.Jobs;

public partial class PrefilterPanel
{
    private static readonly string[] ShareLabels = ["Machine-labelled", "Audit sample", "Model not sure"];

    private PrefilterSummary? _summary;
    private bool _machineLabels = true;
    private float _threshold = 0.95f;
    private float _audit = 0.05f;
    private string? _error;

    [Inject] private StartPrefilter Start { get; set; } = default!;

    [Inject] private PrefilterSummaries Summaries { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    /// <summary>The dashboard hands a fresh copy on every change of the job, the run's progress included.</summary>
    [Parameter, EditorRequired] public Job Job { get; set; } = default!;

    private bool BeforeLaunch => Job.Status is JobStatus.Draft or JobStatus.Ready;

    private bool CanMachineLabel => Job.Kind == TaskKind.ImageClassification;

    protected override async Task OnParametersSetAsync() => _summary = await Summaries.LatestAsync(Job.Id);

    private async Task StartAsync()
    {
        var user = await CurrentUser.GetAsync();
        var result = await Start.HandleAsync(Job.Id, user.OrganisationId!.Value, user.UserId, new PrefilterRequest(_threshold, _audit, _machineLabels && CanMachineLabel));
        _error = result.Error?.Message;
        _summary = await Summaries.LatestAsync(Job.Id);
    }

    private static List<ChartSeries<double>> Shares(PrefilterRun run) =>
        [new() { Name = "Items", Data = new double[] { run.MachineLabelled, run.Audit, run.Done - run.MachineLabelled - run.Audit } }];

    private static string Percent(double share) => $"{share * 100:0}%";

    private static string StatusText(PrefilterRun run) => run.Status switch
    {
        PrefilterStatus.Running => "The model is going over the items",
        PrefilterStatus.Completed => "Done",
        PrefilterStatus.Stopped => "Stopped at launch",
        _ => "Failed",
    };
}
