using LabelPlatform.Common;
using LabelPlatform.Jobs;
using LabelPlatform.Labelling;

namespace LabelPlatform.Exports;

public enum ExportFormat
{
    /// <summary>COCO object detection JSON: images with their sizes, categories, one annotation per final box with its score.</summary>
    Coco,

    /// <summary>A .tar.gz: one YOLO text file per image (class and box centre and size, normalised to 0–1), the class list, a metadata CSV.</summary>
    Yolo,

    /// <summary>A .tar.gz (as VOC itself is distributed): one Pascal VOC XML file per image, the image list, a metadata CSV.</summary>
    Voc,

    /// <summary>One row per item: status, votes per label, every worker's answer, the final answer and its confidence and source.</summary>
    Csv,

    /// <summary>One JSON object per line and item: the final answer, its confidence and source, optionally every answer and the model's verdicts.</summary>
    Jsonl,
}

/// <summary>
/// What to export and which items. The date range is on when an item's final answer was last set or
/// changed (its source or state included), so repeated exports can pick up only what changed.
/// </summary>
public sealed record ExportOptions(
    ExportFormat Format,
    bool SettledOnly = false,
    double? MinConfidence = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    bool IncludeAnswers = false)
{
    public string FileExtension => Format switch
    {
        ExportFormat.Coco => "coco.json",
        ExportFormat.Yolo => "yolo.tar.gz",
        ExportFormat.Voc => "voc.tar.gz",
        ExportFormat.Csv => "csv",
        _ => "jsonl",
    };

    public string ContentType => Format switch
    {
        ExportFormat.Coco => "application/json",
        ExportFormat.Yolo or ExportFormat.Voc => "application/gzip",
        ExportFormat.Csv => "text/csv; charset=utf-8",
        _ => "application/x-ndjson",
    };

    /// <summary>Why these options cannot export this kind of job, or null.</summary>
    public Error? Problem(TaskKind kind)
    {
        if (!Enum.IsDefined(Format))
        {
            return Error.Validation("The format is one of coco, yolo, voc, csv and jsonl.");
        }

        if (Format is ExportFormat.Coco or ExportFormat.Yolo or ExportFormat.Voc && !kind.DrawsBoxes())
        {
            return Error.Validation($"{Format.ToString().ToUpperInvariant()} holds boxes, and this job's workers choose labels: export CSV or JSON Lines.");
        }

        if (MinConfidence is < 0 or > 1 || MinConfidence is double.NaN)
        {
            return Error.Validation("The minimum confidence is a probability between 0 and 1.");
        }

        return From is { } from && To is { } to && to <= from ? Error.Validation("The date range ends before it starts.") : null;
    }

    /// <summary>The download's name: the job's name in safe characters, then the format.</summary>
    public string FileName(string jobName)
    {
        var safe = new string(jobName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return $"{(safe.Length == 0 ? "job" : safe[..Math.Min(safe.Length, 80)])}-results.{FileExtension}";
    }
}

public sealed record ExportProgress(long ItemsDone, long ItemsTotal);
