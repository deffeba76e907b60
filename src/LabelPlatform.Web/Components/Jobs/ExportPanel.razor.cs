using LabelPlatform.Exports;
using LabelPlatform.Exports.Files;
using LabelPlatform.Jobs;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Web.Components.Jobs;

/// <summary>A job's exports: ask for one in any format with the filters, watch it being prepared, download it while it is kept.</summary>
public sealed partial class ExportPanel : IDisposable
{
    [Parameter, EditorRequired] public Job Job { get; set; } = default!;

    [Inject] private RequestExport Request { get; set; } = default!;

    [Inject] private ExportFiles Files { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private IOptions<ExportFileOptions> Options { get; set; } = default!;

    private readonly CancellationTokenSource _closed = new();
    private List<ExportFile> _files = [];
    private ExportFormat _format = ExportFormat.Csv;
    private bool _settledOnly;
    private double? _minConfidence;
    private bool _answers;
    private bool _busy;
    private string? _error;
    private bool _watching;

    private int KeepHours => Options.Value.KeepHours;

    private IEnumerable<ExportFormat> Formats => Enum.GetValues<ExportFormat>().Where(f => new ExportOptions(f).Problem(Job.Kind) is null);

    protected override async Task OnParametersSetAsync()
    {
        if (new ExportOptions(_format).Problem(Job.Kind) is not null)
        {
            _format = ExportFormat.Csv;
        }

        await ReloadAsync();
    }

    private async Task ReloadAsync()
    {
        var user = await CurrentUser.GetAsync();
        _files = user.OrganisationId is { } organisationId ? await Files.ListAsync(Job.Id, organisationId) : [];
        if (!_watching && _files.Any(f => f.Status is ExportFileStatus.Queued or ExportFileStatus.Running))
        {
            _ = WatchAsync();
        }
    }

    /// <summary>While an export is under way, its progress is read once a second (it is written by a background worker).</summary>
    private async Task WatchAsync()
    {
        _watching = true;
        var closed = _closed.Token;
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (await timer.WaitForNextTickAsync(closed))
            {
                var user = await CurrentUser.GetAsync();
                _files = await Files.ListAsync(Job.Id, user.OrganisationId!.Value, closed);
                await InvokeAsync(StateHasChanged);
                if (!_files.Any(f => f.Status is ExportFileStatus.Queued or ExportFileStatus.Running))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            _watching = false;
        }
    }

    private async Task RequestAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var user = await CurrentUser.GetAsync();
            var result = await Request.HandleAsync(Job.Id, user.OrganisationId!.Value, user.UserId, new ExportOptions(_format, _settledOnly, _minConfidence, IncludeAnswers: _answers));
            _error = result.IsSuccess ? null : result.Error!.Message;
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private static string Describe(ExportFormat format) => format switch
    {
        ExportFormat.Coco => "COCO (JSON)",
        ExportFormat.Yolo => "YOLO (.tar.gz)",
        ExportFormat.Voc => "Pascal VOC (.tar.gz)",
        ExportFormat.Csv => "CSV",
        _ => "JSON Lines",
    };

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / 1048576.0:0.#} MB",
    };

    public void Dispose()
    {
        _closed.Cancel();
        _closed.Dispose();
    }
}
