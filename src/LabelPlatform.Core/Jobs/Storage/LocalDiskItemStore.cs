using System.Text.RegularExpressions;

namespace LabelPlatform.Jobs.Storage;

public sealed partial class LocalDiskItemStore(string root) : IItemStore
{
    public string Root { get; } = Path.GetFullPath(root);

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Write beside, then rename: a reader never sees half a file.
        var temp = path + ".part";
        await File.WriteAllBytesAsync(temp, content.ToArray(), cancellationToken);
        File.Move(temp, path, overwrite: true);
    }

    public async Task PutFileAsync(string key, string sourcePath, CancellationToken cancellationToken)
    {
        var path = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = path + ".part";
        await using (var source = File.OpenRead(sourcePath))
        await using (var target = File.Create(temp))
        {
            await source.CopyToAsync(target, cancellationToken);
        }

        File.Move(temp, path, overwrite: true);
    }

    public Stream? OpenRead(string key)
    {
        var path = PathFor(key);
        return File.Exists(path) ? File.OpenRead(path) : null;
    }

    public void Delete(string key)
    {
        var path = PathFor(key);
        if (File.Exists(path))
        {
            File.Delete(path);
        }
    }

    private string PathFor(string key)
    {
        if (!SafeKey().IsMatch(key))
        {
            throw new ArgumentException($"'{key}' is not a valid storage key.", nameof(key));
        }

        return Path.Combine(Root, key);
    }

    [GeneratedRegex("^[a-z0-9-]+(/[a-z0-9-]+)*\\.[a-z0-9]+$")]
    private static partial Regex SafeKey();
}
