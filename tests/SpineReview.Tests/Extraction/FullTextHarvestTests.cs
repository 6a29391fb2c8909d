using SpineReview.Cycle;
using SpineReview.Extraction;
using SpineReview.Extraction.FullText;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Sources;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Extraction;

/// <summary>Harvest to report with full texts: the recorded sources over real HTTP against the limit-enforcing local server,
/// Europe PMC serving one study's JATS and answering 404 (not open) for every other; storage in Azurite.</summary>
public sealed class FullTextHarvestTests : IDisposable
{
    private static readonly HarvestRequest Window = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30));
    private const string WithFullText = "PMC10566647";
    private const string NotOpen = "PMC10388214";
    private readonly string _replay = Path.Combine(Path.GetTempPath(), "spine-fulltext-" + Guid.NewGuid().ToString("N")[..8]);

    public FullTextHarvestTests()
    {
        foreach (var file in Directory.GetFiles(TestPaths.Replay, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_replay, Path.GetRelativePath(TestPaths.Replay, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        Directory.CreateDirectory(Path.Combine(_replay, "europepmc", "fulltext"));
        // FT02's JATS stands in for the article PMC10566647 (PubMed 36920520): what is charted is what is served.
        File.Copy(JatsParserTests.Sample("FT02"), Path.Combine(_replay, "europepmc", "fulltext", WithFullText + ".xml"));
        // A copy served without a licence and without PMC's open-access mark: not open, so never kept or charted.
        var closed = File.ReadAllText(JatsParserTests.Sample("FT05")).Replace("<?properties open_access?>", "", StringComparison.Ordinal);
        closed = closed[..closed.IndexOf("<license>", StringComparison.Ordinal)] + closed[(closed.IndexOf("</license>", StringComparison.Ordinal) + "</license>".Length)..];
        File.WriteAllText(Path.Combine(_replay, "europepmc", "fulltext", NotOpen + ".xml"), closed);
    }

    public void Dispose() => Directory.Delete(_replay, recursive: true);

    private static Dictionary<string, string?> Sources(SourceServer server) => new()
    {
        ["PubMed:BaseUrl"] = server.BaseUrl("pubmed"),
        ["Ieee:BaseUrl"] = server.BaseUrl("ieee"), ["Ieee:ApiKey"] = "test-key-123",
        ["EuropePmc:BaseUrl"] = server.BaseUrl("europepmc"), ["EuropePmc:PageSize"] = "10",
        ["Arxiv:BaseUrl"] = server.BaseUrl("arxiv"),
        ["OpenAlex:BaseUrl"] = server.BaseUrl("openalex"), ["OpenAlex:Email"] = "team@example.org",
        ["Crossref:BaseUrl"] = server.BaseUrl("crossref"), ["Crossref:Email"] = "team@example.org",
        ["PubMed:RetryDelaySeconds"] = "0.05", ["Ieee:RetryDelaySeconds"] = "0.05", ["EuropePmc:RetryDelaySeconds"] = "0.05",
        ["Arxiv:RetryDelaySeconds"] = "0.05", ["OpenAlex:RetryDelaySeconds"] = "0.05", ["Crossref:RetryDelaySeconds"] = "0.05",
    };

    [Fact]
    public async Task HarvestToReport_OneStudyWithOpenJats_ChartedFromItsFullTextOthersFromTheirAbstracts()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        await using var host = TestHost.Create(settings: Sources(server));
        await host.Get<Harvester>().HarvestAllAsync(Window, null, default);
        var cycle = host.Get<CycleService>();
        await cycle.DrainScreenAsync(null, default);
        var extracted = await cycle.DrainExtractAsync(null, default);

        // Nothing failed: every study passed to charting was charted, within Europe PMC's limit.
        Assert.Equal(0, extracted.Failed);
        Assert.Equal(0, server.RateViolations);
        var asked = server.Of("europepmc").Where(r => r.PathAndQuery.EndsWith("/fullTextXML", StringComparison.Ordinal)).ToList();
        Assert.Contains(asked, r => r.PathAndQuery.Contains(WithFullText, StringComparison.Ordinal) && r.Status == 200);
        Assert.Contains(asked, r => r.Status == 404);

        var store = host.Get<ExtractionStore>();
        var charted = await store.GetAsync(RecordKey.For("pubmed", "36920520"), default);
        Assert.Equal("full text (europepmc PMC10566647, CC BY 4.0)", charted["subjects"].Automatic.Basis);
        Assert.Equal(["2550"], charted["subjects"].Effective);
        Assert.Equal(["0.70/0.10/0.20"], charted["split"].Effective);
        Assert.Equal(["https://github.com/spine-ai-lab/vfx-yolo"], charted["codeUrl"].Effective);
        // The form as the charting page shows it: its basis, and offsets into the kept full text's text.
        var key = RecordKey.For("pubmed", "36920520");
        var form = await host.Get<ExtractionService>().FormAsync(key, default);
        Assert.All(form, f => Assert.Equal("full text (europepmc PMC10566647, CC BY 4.0)", f.Basis));
        var record = (await host.Get<ReportService>().RecordsAsync([key], default)).Single();
        var shown = await host.Get<ExtractionService>().TextAsync(record, form, default);
        var count = form.Single(f => f.Field == "subjects").Automatic.Single();
        Assert.Equal("2,550", shown.Substring(count.Start, count.Length));
        var stored = await host.Get<FullTextStore>().GetAsync(key, default);
        Assert.Equal("CC BY 4.0", stored!.Licence);
        Assert.Equal(File.ReadAllBytes(JatsParserTests.Sample("FT02")), stored.Body);

        Assert.Contains(asked, r => r.PathAndQuery.Contains(NotOpen, StringComparison.Ordinal) && r.Status == 200);

        // Served without an open licence (37529207), not in PMC at all (35804990): both on their abstracts, no full text kept
        // (a study Europe PMC answered 404 for is asserted above).
        foreach (var pmid in new[] { "37529207", "35804990" })
        {
            var onAbstract = await store.GetAsync(RecordKey.For("pubmed", pmid), default);
            Assert.NotEmpty(onAbstract);
            Assert.All(onAbstract.Values, f => Assert.Equal("abstract", f.Automatic.Basis));
            Assert.Null(await host.Get<FullTextStore>().GetAsync(RecordKey.For("pubmed", pmid), default));
        }

        var all = await store.ListStoredAsync(default);
        var report = await host.Get<ReportService>().GenerateAsync(default);
        var text = string.Join("\n", Pdf.PageTexts(report.Pdf)).ReplaceLineEndings(" ");
        Assert.Contains($"1 of {all.Count} studies", text, StringComparison.Ordinal);
        Assert.Contains("Charted from the open-access full text", text, StringComparison.Ordinal);

        var csv = Exports.Csv(await host.Get<ExportService>().StudiesAsync(withProvisional: true, default));
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        // "charted_from", then the refresh's "notices" (empty here: no refresh ran).
        Assert.EndsWith(",charted_from,notices", lines[0], StringComparison.Ordinal);
        Assert.Single(lines, l => l.StartsWith("pubmed:36920520,", StringComparison.Ordinal) && l.EndsWith(",\"full text (europepmc PMC10566647, CC BY 4.0)\",", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("pubmed:35804990,", StringComparison.Ordinal) && l.EndsWith(",abstract,", StringComparison.Ordinal));
    }
}
