namespace LabelPlatform.Jobs.ImportItems;

/// <summary>
/// Told after new items of a job are stored, once the import has committed. Capabilities above Jobs that
/// prepare something per item (the review model's input copies) implement it (ADR 0018).
/// </summary>
public interface IItemsImported
{
    Task ItemsImportedAsync(Guid jobId, CancellationToken ct);
}
