using LabelPlatform.Jobs;
using LabelPlatform.Jobs.ImportItems;
using LabelPlatform.Web.Components.Shared;
using LabelPlatform.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.Options;

namespace LabelPlatform.Web.Components.Jobs;

/// <summary>Uploads a zip with a progress bar, imports it, and shows the per-file report.</summary>
public partial class UploadItems
{
    private string? _phase;
    private double _percent;
    private string? _error;
    private ImportReport? _report;

    [Parameter, EditorRequired] public Job Job { get; set; } = default!;

    [Parameter] public EventCallback OnImported { get; set; }

    [Inject] private ZipImporter Importer { get; set; } = default!;

    [Inject] private TextImporter Texts { get; set; } = default!;

    private bool IsText => Job.Kind.IsText();

    [Inject] private IOptions<UploadLimits> Limits { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private UploadAllowance Allowance { get; set; } = default!;

    private IEnumerable<FileReport> FilesWorstFirst => _report!.Files.OrderByDescending(f => f.Outcome);

    private static string FormatBytes(long bytes) => bytes >= 1 << 20 ? $"{bytes / (1 << 20):N0} MiB" : $"{bytes / 1024:N0} KiB";

    private async Task UploadAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }

        _report = null;
        _error = null;
        var limit = IsText ? Limits.Value.MaxTextFileBytes : Limits.Value.MaxArchiveBytes;
        if (file.Size > limit)
        {
            _error = $"{file.Name} is {FormatBytes(file.Size)}; the limit is {FormatBytes(limit)}. Split it into smaller files.";
            return;
        }

        if (Allowance.Refusal(UploadAllowance.Kind.Files, (await CurrentUser.GetAsync()).UserId) is { } tooMany)
        {
            _error = tooMany;
            return;
        }

        var temp = Path.GetTempFileName();
        try
        {
            await ReceiveAsync(file, temp, limit);
            _phase = IsText ? "Checking texts" : "Checking images";
            _percent = 0;
            var user = await CurrentUser.GetAsync();
            var progress = new Progress<ImportProgress>(p =>
            {
                _percent = 100.0 * p.Processed / Math.Max(1, p.Total);
                _ = InvokeAsync(StateHasChanged);
            });

            // Decoding every image is CPU work: keep it off the circuit so the page stays live.
            var result = await Task.Run(async () =>
            {
                await using var upload = File.OpenRead(temp);
                return IsText
                    ? await Texts.ImportAsync(Job.Id, user.OrganisationId!.Value, file.Name, upload)
                    : await Importer.ImportAsync(Job.Id, user.OrganisationId!.Value, upload, progress);
            });
            if (result.IsSuccess)
            {
                _report = result.Value;
                if (_report!.Succeeded)
                {
                    await OnImported.InvokeAsync();
                }
            }
            else
            {
                _error = result.Error!.Message;
            }
        }
        finally
        {
            File.Delete(temp);
            _phase = null;
        }
    }

    private async Task ReceiveAsync(IBrowserFile file, string path, long limit)
    {
        _phase = "Uploading";
        _percent = 0;
        await using var source = file.OpenReadStream(limit);
        await using var target = File.Create(path);
        var buffer = new byte[256 * 1024];
        long received = 0;
        var lastPaint = DateTime.UtcNow;
        int read;
        while ((read = await source.ReadAsync(buffer)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read));
            received += read;
            if (DateTime.UtcNow - lastPaint > TimeSpan.FromMilliseconds(200))
            {
                _percent = 100.0 * received / Math.Max(1, file.Size);
                lastPaint = DateTime.UtcNow;
                StateHasChanged();
            }
        }
    }
}
