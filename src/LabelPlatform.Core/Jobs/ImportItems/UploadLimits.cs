namespace LabelPlatform.Jobs.ImportItems;

/// <summary>Limits on one zip upload, bound from the "Uploads" configuration section.</summary>
public sealed class UploadLimits
{
    public const string Section = "Uploads";

    /// <summary>The zip file itself, as uploaded.</summary>
    public long MaxArchiveBytes { get; set; } = 512L * 1024 * 1024;

    /// <summary>All files in the zip once expanded; guards against zip bombs.</summary>
    public long MaxExpandedBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public int MaxFiles { get; set; } = 10_000;

    /// <summary>The largest CSV or JSONL file of texts.</summary>
    public long MaxTextFileBytes { get; set; } = 64L * 1024 * 1024;

    public long MaxFileBytes { get; set; } = 20L * 1024 * 1024;

    /// <summary>Width × height; checked from the image header before anything is decoded.</summary>
    public long MaxPixels { get; set; } = 25_000_000;
}
