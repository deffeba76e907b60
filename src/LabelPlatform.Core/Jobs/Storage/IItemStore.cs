namespace LabelPlatform.Jobs.Storage;

/// <summary>Where item files live: local disk on one node, an object store beyond that.</summary>
public interface IItemStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Opens the file, or returns null when there is none under that key.</summary>
    Stream? OpenRead(string key);

    void Delete(string key);
}
