namespace LabelPlatform.Jobs.ImportItems;

public enum PathVerdict
{
    File,
    Folder,
    SystemFile,
    Unsafe,
}

/// <summary>Decides what a zip entry's name means before any of its bytes are read.</summary>
public static class ZipPathRules
{
    private static readonly string[] SystemFileNames = [".DS_Store", "Thumbs.db", "desktop.ini"];

    public static (PathVerdict Verdict, string? Reason) Classify(string entryName)
    {
        if (string.IsNullOrEmpty(entryName) || entryName.Contains('\0'))
        {
            return (PathVerdict.Unsafe, "the file has no usable name");
        }

        if (entryName.EndsWith('/') || entryName.EndsWith('\\'))
        {
            return (PathVerdict.Folder, null);
        }

        if (entryName[0] is '/' or '\\' || (entryName.Length > 1 && entryName[1] == ':' && char.IsAsciiLetter(entryName[0])))
        {
            return (PathVerdict.Unsafe, "absolute path: files must sit inside the zip's folder");
        }

        var segments = entryName.Split('/', '\\');
        if (segments.Any(s => s == ".."))
        {
            return (PathVerdict.Unsafe, "the path escapes the zip's folder (\"..\")");
        }

        if (entryName.Length > 1024)
        {
            return (PathVerdict.Unsafe, "the path is longer than 1024 characters");
        }

        var fileName = segments[^1];
        if (segments[0] == "__MACOSX" || fileName.StartsWith("._", StringComparison.Ordinal) || SystemFileNames.Contains(fileName, StringComparer.OrdinalIgnoreCase))
        {
            return (PathVerdict.SystemFile, "operating-system file, ignored");
        }

        return (PathVerdict.File, null);
    }

    /// <summary>A normalised form of the path, to spot the same file twice.</summary>
    public static string Normalise(string entryName) =>
        string.Join('/', entryName.Split('/', '\\').Where(s => s.Length > 0 && s != ".")).ToLowerInvariant();
}
