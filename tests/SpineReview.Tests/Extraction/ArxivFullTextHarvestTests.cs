using SpineReview.Cycle;
using SpineReview.Extraction;
using SpineReview.Extraction.FullText;
using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Sources;
using SpineReview.Sources.Arxiv;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Extraction;

/// <summary>Harvest to report with arXiv full texts, over real HTTP against the limit-enforcing local server (arXiv: one
/// request per 3 s): a preprint whose arXiv metadata names CC BY gets its PDF read and charted; one under arXiv's own
/// distribution licence is never fetched and stays on its abstract; storage in Azurite.</summary>
public sealed class ArxivFullTextHarvestTests : IDisposable
{
    private static readonly HarvestRequest Window = new(new DateOnly(2024, 1, 1), new DateOnly(2024, 6, 30));
    private const string Open = "2403.12115";
    private const string NotOpen = "1706.01671";
    private readonly string _replay = Path.Combine(Path.GetTempPath(), "spine-arxiv-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly byte[] _pdf = PaperPdf.Write("Deep learning grading of lumbar spondylolisthesis on radiographs: a two-hospital study with external testing",
        "A. Example, B. Example (Department of Radiology, Example University Hospital, Lyon, France)", PaperPdf.Cobb);

    public ArxivFullTextHarvestTests()
    {
        foreach (var file in Directory.GetFiles(TestPaths.Replay, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_replay, Path.GetRelativePath(TestPaths.Replay, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        // The made-up paper stands in for the open preprint; the closed one has a PDF too, which must never be asked for.
        Directory.CreateDirectory(Path.Combine(_replay, "arxiv", "pdf"));
        File.WriteAllBytes(Path.Combine(_replay, "arxiv", "pdf", Open + ".pdf"), _pdf);
        File.WriteAllBytes(Path.Combine(_replay, "arxiv", "pdf", NotOpen + ".pdf"), _pdf);
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
    public async Task HarvestToReport_OpenArxivPreprint_ChartedFromItsPdfClosedOneFromItsAbstract()
    {
        await using var server = await SourceServer.StartAsync(_replay);
        await using var host = TestHost.Create(settings: Sources(server));
        await host.Get<Harvester>().HarvestAllAsync(Window, null, default);
        var cycle = host.Get<CycleService>();
        await cycle.DrainScreenAsync(null, default);
        var extracted = await cycle.DrainExtractAsync(null, default);

        // Nothing failed, and arXiv was asked at its pace: the server counts any request inside 3 s of the last as a violation.
        Assert.Equal(0, extracted.Failed);
        Assert.Equal(0, server.RateViolations);
        var arxiv = server.Of("arxiv").ToList();
        Assert.Contains(arxiv, r => r.PathAndQuery.Contains("verb=GetRecord", StringComparison.Ordinal) && r.PathAndQuery.Contains(NotOpen, StringComparison.Ordinal));
        Assert.Single(arxiv, r => r.PathAndQuery.EndsWith("/pdf/" + Open, StringComparison.Ordinal) && r.Status == 200);
        // arXiv's own licence lets arXiv distribute the paper, not us keep it: its PDF is never asked for.
        Assert.DoesNotContain(arxiv, r => r.PathAndQuery.Contains("/pdf/" + NotOpen, StringComparison.Ordinal));
        var starts = arxiv.Select(r => r.At).Order().ToList();
        Assert.All(starts.Zip(starts.Skip(1)), p => Assert.True(p.Second - p.First >= TimeSpan.FromSeconds(2.9), $"arXiv asked {p.Second - p.First} apart"));

        var key = RecordKey.For("arxiv", Open);
        var basis = $"full text (arxiv {Open}, CC BY 4.0)";
        var charted = await host.Get<ExtractionStore>().GetAsync(key, default);
        Assert.Equal(basis, charted["subjects"].Automatic.Basis);
        Assert.Equal(["740"], charted["subjects"].Effective);
        Assert.Equal(["0.70/0.15/0.15"], charted["split"].Effective);
        Assert.Equal(["https://github.com/example-lab/spondy-net"], charted["codeUrl"].Effective);
        Assert.Equal(["true"], charted["externalValidation"].Effective);
        // The form as the charting page shows it: offsets into the kept PDF's text point at the values.
        var form = await host.Get<ExtractionService>().FormAsync(key, default);
        Assert.All(form, f => Assert.Equal(basis, f.Basis));
        var record = (await host.Get<ReportService>().RecordsAsync([key], default)).Single();
        var shown = await host.Get<ExtractionService>().TextAsync(record, form, default);
        var count = form.Single(f => f.Field == "subjects").Automatic.Single();
        Assert.Equal("740", shown.Substring(count.Start, count.Length)[..3]);
        var url = form.Single(f => f.Field == "codeUrl").Automatic.Single();
        Assert.StartsWith("https://github.com/example-lab/spondy-net", shown.Substring(url.Start, url.Length), StringComparison.Ordinal);
        var stored = await host.Get<FullTextStore>().GetAsync(key, default);
        Assert.Equal("CC BY 4.0", stored!.Licence);
        Assert.Equal(_pdf, stored.Body);

        var closed = await host.Get<ExtractionStore>().GetAsync(RecordKey.For("arxiv", NotOpen), default);
        Assert.NotEmpty(closed);
        Assert.All(closed.Values, f => Assert.Equal("abstract", f.Automatic.Basis));
        Assert.Null(await host.Get<FullTextStore>().GetAsync(RecordKey.For("arxiv", NotOpen), default));

        var all = await host.Get<ExtractionStore>().ListStoredAsync(default);
        var report = await host.Get<ReportService>().GenerateAsync(default);
        var text = string.Join("\n", Pdf.PageTexts(report.Pdf)).ReplaceLineEndings(" ");
        Assert.Contains($"1 of {all.Count} studies", text, StringComparison.Ordinal);
        var csv = Exports.Csv(await host.Get<ExportService>().StudiesAsync(withProvisional: true, default));
        Assert.Contains(csv.Split("\r\n"), l => l.StartsWith($"arxiv:{Open},", StringComparison.Ordinal) && l.Contains($"\"{basis}\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("http://creativecommons.org/licenses/by/4.0/", true)]
    [InlineData("http://creativecommons.org/licenses/by-nc-nd/4.0/", true)]
    [InlineData("http://creativecommons.org/publicdomain/zero/1.0/", true)]
    [InlineData("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", false)]
    [InlineData("http://arxiv.org/licenses/assumed-1991-2003/", false)]
    [InlineData("not a licence", false)]
    // Look-alikes: another host ending in the name, the name elsewhere in the address, a page of the site that is no licence.
    [InlineData("http://evilcreativecommons.org/licenses/by/4.0/", false)]
    [InlineData("http://example.com/licenses/by/4.0/?creativecommons.org", false)]
    [InlineData("https://creativecommons.org/about/", false)]
    public void IsCreativeCommons_ArxivLicences(string licence, bool open) => Assert.Equal(open, OpenLicences.IsCreativeCommons(licence));

    [Fact]
    public void LicenceOf_RecordedAnswers_TheLicenceOrNoneForAnUnknownId()
    {
        Assert.Equal("http://creativecommons.org/licenses/by/4.0/", ArxivFullText.LicenceOf(File.ReadAllBytes(Path.Combine(TestPaths.Replay, "arxiv", "oai", Open + ".xml"))));
        Assert.Null(ArxivFullText.LicenceOf("<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\"><error code=\"idDoesNotExist\">x</error></OAI-PMH>"u8.ToArray()));
        var e = Assert.Throws<SourceException>(() => ArxivFullText.LicenceOf("Rate exceeded."u8.ToArray()));
        Assert.Contains("not XML", e.Message, StringComparison.Ordinal);
    }
}
