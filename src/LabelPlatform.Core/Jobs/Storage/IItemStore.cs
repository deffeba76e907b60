namespace LabelPlatform.Jobs.Storage;

/// <summary>Where item files live: local disk on one node, an object store beyond that.</summary>
public interface IItemStore
{
    Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Copies a local file in, streaming (large uploads are never held in memory).</summary>
    Task PutFileAsync(string key, string sourcePath, CancellationToken cancellationToken);

    /// <summary>Opens the file, or returns null when there is none under that key.</summary>
    Stream? OpenRead(string key);

    void Delete(string key);
}

public static class ItemStoreReads
{
    /// <summary>The whole file, for the small ones read at once (models, images); throws when there is none.</summary>
    public static byte[] ReadAll(this IItemStore store, string key)
    {
        using var stream = store.OpenRead(key) ?? throw new FileNotFoundException($"The item store has no file {key}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
