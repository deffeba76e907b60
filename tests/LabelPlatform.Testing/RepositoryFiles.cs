namespace LabelPlatform.Testing;

/// <summary>The repository the tests were built from, found above the test's folder (where LabelPlatform.sln is).</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LabelPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (LabelPlatform.sln) was not found above the test's folder.");
    }
}
