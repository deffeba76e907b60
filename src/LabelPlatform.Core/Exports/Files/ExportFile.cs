namespace LabelPlatform.Exports.Files;

public enum ExportFileStatus
{
    Queued,
    Running,
    Ready,
    Failed,
    Expired,
}

/// <summary>
/// An export prepared in the background for a large job: written to storage with its progress recorded as
/// it goes, then kept for download for <see cref="ExportFileOptions.KeepHours"/>.
/// </summary>
public sealed class ExportFile
{
    public Guid Id { get; set; }

    public Guid JobId { get; set; }

    public Guid OrganisationId { get; set; }

    public string RequestedByUserId { get; set; } = "";

    public ExportFormat Format { get; set; }

    /// <summary>The filters and whether answers are included (<see cref="ExportOptions"/> as JSON).</summary>
    public string Options { get; set; } = "{}";

    public ExportFileStatus Status { get; set; }

    public long ItemsDone { get; set; }

    public long ItemsTotal { get; set; }

    public long Bytes { get; set; }

    public string? StorageKey { get; set; }

    public string FileName { get; set; } = "";

    public string? Error { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? FinishedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public double Percent => ItemsTotal == 0 ? (Status == ExportFileStatus.Ready ? 100 : 0) : Math.Min(100, 100.0 * ItemsDone / ItemsTotal);

    public ExportOptions ReadOptions() => System.Text.Json.JsonSerializer.Deserialize<ExportOptions>(Options) ?? new ExportOptions(Format);
}

public sealed class ExportFileOptions
{
    public const string Section = "Exports";

    /// <summary>How long a prepared export stays available for download.</summary>
    public int KeepHours { get; set; } = 72;
}
