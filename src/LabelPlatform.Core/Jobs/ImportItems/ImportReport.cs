namespace LabelPlatform.Jobs.ImportItems;

public enum FileOutcome
{
    Accepted,
    Ignored,
    Rejected,
}

public sealed record FileReport(string Path, FileOutcome Outcome, string? Reason, long Bytes = 0, int Width = 0, int Height = 0);

/// <summary>What happened to one upload. Nothing is stored unless <see cref="Succeeded"/>.</summary>
public sealed record ImportReport(string? ArchiveError, IReadOnlyList<FileReport> Files, int ItemsAdded, string Noun = "file", string WhenEmpty = "the zip holds no images")
{
    public bool Succeeded => ArchiveError is null && ItemsAdded > 0 && !Files.Any(f => f.Outcome == FileOutcome.Rejected);

    public int Accepted => Files.Count(f => f.Outcome == FileOutcome.Accepted);

    public int Rejected => Files.Count(f => f.Outcome == FileOutcome.Rejected);

    public string Summary =>
        ArchiveError is not null ? $"Nothing was imported: {ArchiveError}"
        : Succeeded ? $"Imported {ItemsAdded} item{(ItemsAdded == 1 ? "" : "s")}."
        : Rejected > 0 ? $"Nothing was imported: {Rejected} of {Files.Count} {Noun}{(Files.Count == 1 ? " was" : "s were")} rejected. Fix or remove them and upload again."
        : $"Nothing was imported: {WhenEmpty}.";

    public static ImportReport Failed(string archiveError, IReadOnlyList<FileReport>? files = null) => new(archiveError, files ?? [], 0);
}

public sealed record ImportProgress(int Processed, int Total);
