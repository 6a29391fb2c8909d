using System.Text.RegularExpressions;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Infra;

/// <summary>
/// The copies of corpus files under Fixtures/ stay attributed and unchanged, and a test that reads the corpus by path is
/// one that can be skipped (a fresh clone has no corpus beside it).
/// </summary>
public partial class FixtureAttributionTests
{
    private static readonly string Source = Path.Combine(TestPaths.RepoRoot, "tests", "SpineReview.Tests", "Fixtures");

    /// <summary>Rows of Fixtures/ATTRIBUTION.md: fixture path, corpus path, origin, licence.</summary>
    private static List<(string Fixture, string Corpus, string Origin, string Licence)> Rows() =>
        File.ReadLines(Path.Combine(Source, "ATTRIBUTION.md"))
            .Select(l => l.Split('|', StringSplitOptions.TrimEntries))
            .Where(c => c.Length == 6 && c[1].Contains('/', StringComparison.Ordinal) && c[1] != "fixture")
            .Select(c => (c[1], c[2], c[3], c[4]))
            .ToList();

    private static string Relative(string path) => Path.GetRelativePath(Source, path).Replace('\\', '/');

    [Fact]
    public void Attribution_EveryFixtureFile_HasARowWithOriginAndLicence()
    {
        var rows = Rows();
        Assert.NotEmpty(rows);
        var listed = rows.Select(r => r.Fixture).ToHashSet(StringComparer.Ordinal);
        // Licence texts and this folder's notes are the attribution itself.
        var files = Directory.GetFiles(Source, "*", SearchOption.AllDirectories).Select(Relative)
            .Where(f => !Path.GetFileName(f).StartsWith("LICENSE", StringComparison.Ordinal) && !f.EndsWith(".md", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(files.Where(f => !listed.Contains(f)).Select(f => $"{f} has no row in Fixtures/ATTRIBUTION.md"));
        Assert.Empty(listed.Where(f => !files.Contains(f)).Select(f => $"Fixtures/ATTRIBUTION.md lists {f}, which is not there"));
        foreach (var (fixture, _, origin, licence) in rows)
        {
            Assert.Matches(OriginCommit(), origin);
            var licenceFile = LicenceFile().Match(licence);
            Assert.True(licenceFile.Success, $"{fixture}: the licence column names no licence file beside the files ({licence})");
            Assert.True(File.Exists(Path.Combine(Source, licenceFile.Groups["file"].Value)), $"{fixture}: licence file {licenceFile.Groups["file"].Value} is missing");
        }
    }

    [SkippableFact]
    public void Attribution_EveryCopy_IsByteForByteTheCorpusFile()
    {
        foreach (var (fixture, corpus, _, _) in Rows())
        {
            var original = TestPaths.Corpus(corpus.Split('/'));
            Assert.True(File.ReadAllBytes(Path.Combine(Source, fixture)).AsSpan().SequenceEqual(File.ReadAllBytes(original)), $"{fixture} differs from the corpus file {original}");
        }
    }

    [Fact]
    public void CorpusReaders_AreSkippableTests()
    {
        var tests = Path.Combine(TestPaths.RepoRoot, "tests");
        var problems = new List<string>();
        foreach (var file in Directory.GetFiles(tests, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match call in CorpusCall().Matches(text))
            {
                // The attribute of the test method the call is in: the last test attribute before it.
                var attribute = TestAttribute().Matches(text[..call.Index]).LastOrDefault();
                if (attribute is not null && !attribute.Value.StartsWith("[Skippable", StringComparison.Ordinal))
                    problems.Add($"{Path.GetRelativePath(tests, file)}: a {attribute.Value}] test reads TestPaths.Corpus; make it [SkippableFact] or [SkippableTheory] so a missing corpus file is a skip");
            }
        }
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [GeneratedRegex(@"@ [0-9a-f]{40}")]
    private static partial Regex OriginCommit();

    [GeneratedRegex(@"\((?<file>[\w./-]+/LICENSE[\w.-]*)\)")]
    private static partial Regex LicenceFile();

    [GeneratedRegex(@"TestPaths\.Corpus\(")]
    private static partial Regex CorpusCall();

    [GeneratedRegex(@"\[(Skippable)?(Fact|Theory)\b")]
    private static partial Regex TestAttribute();
}
