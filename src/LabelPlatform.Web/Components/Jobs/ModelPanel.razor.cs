using System.Globalization;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;
using LabelPlatform.Review.Models;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace LabelPlatform.Web.Components.Jobs;

public partial class ModelPanel : IDisposable
{
    private ReviewModel? _current;
    private Guid _shownFormsOf;
    private ModelKind _kind = ModelKind.Classification;
    private string _inputName = "input";
    private int _width = 224;
    private int _height = 224;
    private TensorLayout _layout = TensorLayout.Nchw;
    private ColourOrder _colour = ColourOrder.Rgb;
    private ImageResize _resize = ImageResize.Stretch;
    private string _scale = "1/255";
    private string _mean = "0";
    private string _std = "1";
    private string _output = "output";
    private ClassificationOutput _outputKind = ClassificationOutput.Probabilities;
    private DetectionLayout _detection = DetectionLayout.YoloV8;
    private string _scores = "scores";
    private string _labels = "labels";
    private string _threshold = "0.25";
    private string _nms = "0.45";
    private string _labelMap = "";
    // The picked upload, streamed to a file of its own: a model is never held in the circuit's memory.
    private string? _file;
    private string? _fileName;
    private string? _error;
    private string? _saved;
    private bool _busy;
    private float _accept;
    private float _flag;
    private float _audit;
    private bool _acceptUnsure;
    private bool _mayReject;
    private float _matchIou;
    private float _minPrecision;
    private float _minRecall;
    private float _disagreeBelow;
    private string? _policyMessage;

    [Inject] private LabelPlatform.Web.Security.UploadAllowance Allowance { get; set; } = default!;

    [Parameter, EditorRequired] public Job Job { get; set; } = default!;

    /// <summary>Box jobs are judged by matching boxes, not by the model's confidence in one label.</summary>
    private bool BoxJob => Job.Kind == TaskKind.BoundingBoxes;

    protected override async Task OnParametersSetAsync()
    {
        // The dashboard hands a fresh copy of the job on every live update (a worker's answer):
        // the forms keep what the researcher is typing, and change only for another job or a new model version.
        var newJob = _shownFormsOf != Job.Id;
        if (newJob)
        {
            (_accept, _flag, _acceptUnsure, _audit, _mayReject) = Job.ReviewPolicy;
            (_matchIou, _minPrecision, _minRecall, _disagreeBelow) = (Job.ReviewPolicy.MatchIou, Job.ReviewPolicy.MinPrecision, Job.ReviewPolicy.MinRecall, Job.ReviewPolicy.DisagreeBelow);
            _shownFormsOf = Job.Id;
        }

        var latest = await LatestModel.HandleAsync(Job.Id);
        var newVersion = latest?.Id != _current?.Id;
        _current = latest;
        if (_current is not null && (newJob || newVersion))
        {
            Show(_current.Descriptor);
        }
        else if (_labelMap.Length == 0)
        {
            // A box job can only take a detection model.
            _kind = BoxJob ? ModelKind.Detection : ModelKind.Classification;
            _labelMap = DescriptorText.LabelMapText(Job.Labels.Select((label, i) => (label, i)).ToDictionary(p => p.i, p => p.label));
        }
    }

    private void Show(ModelDescriptor d)
    {
        (_kind, _inputName, _width, _height, _layout, _colour, _resize) = (d.Kind, d.InputName, d.Width, d.Height, d.Layout, d.Colour, d.Resize);
        _scale = d.Scale.ToString("R", CultureInfo.InvariantCulture);
        _mean = string.Join(", ", d.Mean.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        _std = string.Join(", ", d.Std.Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
        _output = (d.Kind == ModelKind.Classification ? d.OutputName : d.BoxesOutput) ?? "";
        (_outputKind, _detection) = (d.ClassificationOutput, d.DetectionLayout);
        (_scores, _labels) = (d.ScoresOutput ?? "scores", d.LabelsOutput ?? "labels");
        _threshold = d.ScoreThreshold.ToString(CultureInfo.InvariantCulture);
        _nms = d.NmsIou.ToString(CultureInfo.InvariantCulture);
        _labelMap = DescriptorText.LabelMapText(d.LabelMap);
    }

    private async Task SavePolicyAsync()
    {
        var user = await CurrentUser.GetAsync();
        var policy = new LabelPlatform.Jobs.ReviewPolicy(_accept, _flag, _acceptUnsure, _audit, _mayReject)
        {
            MatchIou = _matchIou,
            MinPrecision = _minPrecision,
            MinRecall = _minRecall,
            DisagreeBelow = _disagreeBelow,
        };
        var error = await SetPolicy.HandleAsync(Job.Id, user.OrganisationId!.Value, policy);
        _policyMessage = error?.Message ?? "Saved: answers reviewed from now on follow these settings.";
    }

    private (ModelDescriptor? Descriptor, string? Error) Read()
    {
        var channels = _colour == ColourOrder.Grey ? 1 : 3;
        if (!DescriptorText.TryNumber(_scale, out var scale))
        {
            return (null, $"Scale \"{_scale}\" is not a number (for example 1/255 or 0.00392).");
        }

        var mean = DescriptorText.Numbers(_mean, channels);
        var std = DescriptorText.Numbers(_std, channels);
        if (mean is null || std is null)
        {
            return (null, $"Mean and std need one number, or one per channel ({channels}).");
        }

        var (map, mapError) = DescriptorText.LabelMap(_labelMap);
        if (map is null)
        {
            return (null, mapError);
        }

        if (!DescriptorText.TryNumber(_threshold, out var threshold) || !DescriptorText.TryNumber(_nms, out var nms))
        {
            return (null, "The score threshold and NMS IoU must be numbers.");
        }

        var detection = _kind == ModelKind.Detection;
        return (new ModelDescriptor
        {
            Kind = _kind,
            InputName = _inputName.Trim(),
            Width = _width,
            Height = _height,
            Layout = _layout,
            Colour = _colour,
            Resize = _resize,
            Scale = scale,
            Mean = mean,
            Std = std,
            OutputName = detection ? null : _output.Trim(),
            ClassificationOutput = _outputKind,
            DetectionLayout = _detection,
            BoxesOutput = detection ? _output.Trim() : null,
            ScoresOutput = detection && _detection == DetectionLayout.SeparateOutputs ? _scores.Trim() : null,
            LabelsOutput = detection && _detection == DetectionLayout.SeparateOutputs ? _labels.Trim() : null,
            ScoreThreshold = threshold,
            NmsIou = nms,
            LabelMap = map,
        }, null);
    }

    private async Task PickAsync(IBrowserFile? file)
    {
        (_error, _saved) = (null, null);
        if (file is null)
        {
            return;
        }

        if (file.Size > ReviewModel.MaxFileBytes)
        {
            _error = $"{file.Name} is {file.Size:N0} bytes; models can be at most {ReviewModel.MaxFileBytes:N0}.";
            return;
        }

        var path = Path.Combine(Path.GetTempPath(), $"lp-upload-{Guid.NewGuid():N}.onnx");
        try
        {
            await using var target = File.Create(path);
            await using var stream = file.OpenReadStream(ReviewModel.MaxFileBytes);
            await stream.CopyToAsync(target);
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        ForgetUpload();
        (_file, _fileName) = (path, file.Name);
    }

    private void ForgetUpload()
    {
        if (_file is not null)
        {
            File.Delete(_file);
        }

        (_file, _fileName) = (null, null);
    }

    public void Dispose() => ForgetUpload();

    private async Task SaveAsync()
    {
        (_error, _saved) = (null, null);
        var (descriptor, problem) = Read();
        if (descriptor is null)
        {
            _error = problem;
            return;
        }

        // Each check starts a process that loads the model: an allowance per account.
        if (Allowance.Refusal(LabelPlatform.Web.Security.UploadAllowance.Kind.Model, (await CurrentUser.GetAsync()).UserId) is { } tooMany)
        {
            _error = tooMany;
            return;
        }

        var file = _file;
        var fileName = _fileName;
        string? copy = null;
        if (file is null && _current is not null)
        {
            // A new descriptor for the model in use: its file, copied out of the store, checked again.
            copy = Path.Combine(Path.GetTempPath(), $"lp-model-{Guid.NewGuid():N}.onnx");
            await using (var stored = Store.OpenRead(_current.StorageKey))
            await using (var target = File.Create(copy))
            {
                await stored!.CopyToAsync(target);
            }

            (file, fileName) = (copy, _current.FileName);
        }

        if (file is null)
        {
            _error = "Choose an .onnx file first.";
            return;
        }

        _busy = true;
        try
        {
            var user = await CurrentUser.GetAsync();

            // Loading and test-running the model happens in a process of its own; the circuit waits without work.
            var result = await Register.HandleFileAsync(Job.Id, user.OrganisationId!.Value, user.UserId, fileName!, file, descriptor);
            if (!result.IsSuccess)
            {
                _error = result.Error!.Message;
                return;
            }

            _current = result.Value;
            ForgetUpload();
            _saved = $"Checked and kept as version {_current!.Version}.";
        }
        finally
        {
            _busy = false;
            if (copy is not null)
            {
                File.Delete(copy);
            }
        }
    }
}
