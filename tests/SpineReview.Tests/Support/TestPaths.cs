namespace SpineReview.Tests.Support;

/// <summary>Where the repository, its recorded samples and the reference corpus are.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    public static string Replay => Path.Combine(RepoRoot, "samples", "replay");

    /// <summary>The corpus beside the project (../shared/corpus) or SPINE_REVIEW_CORPUS; a test that needs it fails loudly when it is missing.</summary>
    public static string Corpus(params string[] parts)
    {
        var root = Environment.GetEnvironmentVariable("SPINE_REVIEW_CORPUS") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus"));
        var path = Path.Combine([root, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Reference corpus file {path} is missing: put the shared folder beside the project or set SPINE_REVIEW_CORPUS.", path);
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SpineReview.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SpineReview.sln not found above the test binaries.");
    }
}
