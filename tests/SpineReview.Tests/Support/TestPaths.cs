using Xunit;

namespace SpineReview.Tests.Support;

/// <summary>Where the repository, its recorded samples and the reference corpus are.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Fixtures => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    public static string Replay => Path.Combine(RepoRoot, "samples", "replay");

    /// <summary>The copies of corpus files the project carries (Fixtures/ATTRIBUTION.md), as the build copies them beside the tests.</summary>
    public static string Fixture(params string[] parts) => Path.Combine([Fixtures, .. parts]);

    /// <summary>The reference corpus: SPINE_REVIEW_CORPUS, or ../shared/corpus beside the repository.</summary>
    public static string CorpusRoot => Environment.GetEnvironmentVariable("SPINE_REVIEW_CORPUS") is { Length: > 0 } env
        ? env
        : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "corpus"));

    /// <summary>
    /// A corpus file whose licence lets the project read it by path only. When it is absent (a fresh clone has no
    /// ../shared beside it) the calling test is skipped with the path in its reason; it must be a [SkippableFact] or
    /// [SkippableTheory], since a plain xunit fact reports the skip as a failure.
    /// </summary>
    public static string Corpus(params string[] parts)
    {
        var path = Path.Combine([CorpusRoot, .. parts]);
        Skip.IfNot(File.Exists(path) || Directory.Exists(path),
            $"{path} is missing: this test reads the reference corpus, which is not beside this clone; put the shared folder beside the project or set SPINE_REVIEW_CORPUS");
        return path;
    }

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "SpineReview.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("SpineReview.sln not found above the test binaries.");
    }
}
