using LabelPlatform.Exports.Imports;
using LabelPlatform.Jobs;
using LabelPlatform.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace LabelPlatform.Web.Components.Jobs;

/// <summary>Imports a researcher's existing labels (COCO, YOLO, CSV, JSONL) into the job's items as suggestions or gold, all or nothing.</summary>
public partial class ImportLabelsPanel
{
    [Inject] private ImportLabels Import { get; set; } = default!;

    [Inject] private CurrentUser CurrentUser { get; set; } = default!;

    [Inject] private LabelPlatform.Web.Security.UploadAllowance Allowance { get; set; } = default!;

    [Parameter, EditorRequired] public Job Job { get; set; } = default!;

    /// <summary>Called after labels were imported (the dashboard's gold count changes).</summary>
    [Parameter] public EventCallback OnImported { get; set; }

    private LabelImportTarget _target = LabelImportTarget.Suggestions;
    private string? _message;
    private List<string> _problems = [];
    private bool _busy;

    private async Task ImportAsync(IBrowserFile? file)
    {
        (_message, _problems) = (null, []);
        if (file is null)
        {
            return;
        }

        var user = await CurrentUser.GetAsync();
        if (Allowance.Refusal(LabelPlatform.Web.Security.UploadAllowance.Kind.Files, user.UserId) is { } tooMany)
        {
            (_message, _problems) = (tooMany, [tooMany]);
            return;
        }

        if (file.Size > LabelFiles.MaxFileBytes)
        {
            _message = $"{file.Name} is {file.Size:N0} bytes; label files can be at most {LabelFiles.MaxFileBytes:N0}.";
            _problems = [_message];
            return;
        }

        _busy = true;
        StateHasChanged();
        var temp = Path.GetTempFileName();
        try
        {
            // A zip is read from its end: the browser's stream goes to a file first.
            await using (var copy = File.Create(temp))
            {
                await file.OpenReadStream(LabelFiles.MaxFileBytes).CopyToAsync(copy);
            }

            await using var content = File.OpenRead(temp);
            var result = await Import.HandleAsync(Job.Id, user.OrganisationId!.Value, file.Name, content, _target);
            if (!result.IsSuccess)
            {
                (_message, _problems) = (result.Error!.Message, [result.Error.Message]);
            }
            else if (!result.Value!.Succeeded)
            {
                (_message, _problems) = ($"No labels were imported: {result.Value.Problems.Count} problems in {file.Name}.", [.. result.Value.Problems]);
            }
            else
            {
                _message = _target == LabelImportTarget.Gold
                    ? $"{result.Value.Applied} items are gold now."
                    : $"{result.Value.Applied} items have suggestions now.";
                await OnImported.InvokeAsync();
            }
        }
        finally
        {
            File.Delete(temp);
            _busy = false;
        }
    }
}
