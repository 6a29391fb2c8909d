using System.Text;
using SpineReview.Sources;
using SpineReview.Sources.Arxiv;
using SpineReview.Sources.Crossref;
using SpineReview.Sources.EuropePmc;
using SpineReview.Sources.Ieee;
using SpineReview.Sources.OpenAlex;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>Every source's parser on real answers (the corpus files), and on the faults those answers can carry.</summary>
public class SourceParsingTests
{
    private static FileStream Fixture(string source, string file) => File.OpenRead(Path.Combine(TestPaths.Fixtures, source, file));
    private static MemoryStream Text(string s) => new(Encoding.UTF8.GetBytes(s));

    [Fact]
    public void EuropePmc_CorePage_MapsIdsHtmlFreeAbstractsMeshAndCursor()
    {
        using var f = Fixture("europepmc", "pyeuropepmc_search_cancer_core.json");
        var page = EuropePmcJson.Parse(f);
        Assert.Equal(5059039, page.HitCount);
        Assert.Equal(25, page.Records.Count);
        Assert.False(string.IsNullOrEmpty(page.NextCursorMark));
        var first = page.Records[0];
        Assert.Equal("MED:39709209", first.SourceId);
        Assert.Equal("39709209", first.Pmid);
        Assert.Equal("10.1016/s0140-6736(24)02600-x", first.Doi);
        Assert.Equal(2025, first.Year);
        var withAbstract = page.Records.Where(r => r.Abstract is not null).ToList();
        Assert.True(withAbstract.Count >= 20);
        Assert.All(withAbstract, r => Assert.DoesNotContain("<h4>", r.Abstract, StringComparison.Ordinal));
        Assert.Contains(withAbstract, r => r.Abstract!.StartsWith("Objective\n", StringComparison.Ordinal));
        Assert.Contains(page.Records, r => r.Mesh.Contains("Humans"));
        Assert.Contains(page.Records, r => r.Authors.Any(a => a.Affiliations.Count > 0));
    }

    [Fact]
    public void EuropePmc_XmlAnswer_GivesTheSameRecordsAsJson()
    {
        using var f = Fixture("europepmc", "pyeuropepmc_search_cancer.xml");
        var page = EuropePmcJson.Parse(f);
        Assert.Equal(5059039, page.HitCount);
        Assert.Equal(25, page.Records.Count);
        Assert.Equal("Lancet", page.Records[0].Journal);
        Assert.Equal("404", page.Records[0].Volume);
        Assert.Equal(["journal article"], page.Records[0].PublicationTypes);
    }

    [Fact]
    public void EuropePmc_NoResults_IsAnEmptyPageNotAnError()
    {
        using var f = Fixture("europepmc", "pyeuropepmc_search_no_results.json");
        var page = EuropePmcJson.Parse(f);
        Assert.Equal(0, page.HitCount);
        Assert.Empty(page.Records);
    }

    [Fact]
    public void EuropePmc_CutShort_ThrowsSourceException() =>
        Assert.Throws<SourceException>(() => EuropePmcJson.Parse(Text("{\"version\":\"6.9\",\"hitCount\":3,\"resultList\":{\"result\":[{\"id\":")));

    [Fact]
    public void Arxiv_Feeds2016And2026_MapIdsWithoutVersionDoisAndTotals()
    {
        using var old = Fixture("arxiv", "arxivpy_search_query_au_del_maestro.xml");
        var page2016 = ArxivAtom.Parse(old);
        Assert.Equal(31, page2016.TotalResults);
        Assert.Equal(10, page2016.Records.Count);
        Assert.Equal("1201.4869", page2016.Records[0].ArxivId);
        Assert.Equal("10.1142/s021797921244002x", page2016.Records[0].Doi);
        using var recent = Fixture("arxiv", "arxivpy_recorded_q_testing_s0_m100_cfe7536492ca.atom.xml");
        var page2026 = ArxivAtom.Parse(recent);
        Assert.Equal(214881, page2026.TotalResults);
        Assert.Equal(100, page2026.Records.Count);
        Assert.Equal("2202.12139", page2026.Records[0].ArxivId);
        Assert.Equal("Testing Deep Learning Models: A First Comparative Study of Multiple Testing Techniques", page2026.Records[0].Title);
        Assert.All(page2026.Records, r => Assert.DoesNotMatch(@"v\d+$", r.SourceId));
        using var oldStyle = Fixture("arxiv", "arxivpy_search_query_au_del_maestro_AND_ti_checkerboard.xml");
        Assert.Equal("cond-mat/0603029", Assert.Single(ArxivAtom.Parse(oldStyle).Records).ArxivId);
    }

    [Fact]
    public void Arxiv_EmptyAndErrorFeeds_AreEmptyOrClearErrors()
    {
        using var empty = Fixture("arxiv", "arxivpy_recorded_id_0000.0000_s0_m100_8b51d9633a68.atom.xml");
        Assert.Empty(ArxivAtom.Parse(empty).Records);
        const string error = """
            <?xml version="1.0" encoding="UTF-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
              <opensearch:totalResults>1</opensearch:totalResults>
              <entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id><title>Error</title>
                <summary>incorrect id format for 1234.12345</summary></entry>
            </feed>
            """;
        var e = Assert.Throws<SourceException>(() => ArxivAtom.Parse(Text(error)));
        Assert.Contains("incorrect id format", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenAlex_Work_RebuildsTheAbstractAndReadsIds()
    {
        using var f = Fixture("openalex", "commonmeta_work_doi_10.1371_journal.pone.0000030.json");
        var r = Assert.Single(OpenAlexJson.Parse(f).Records);
        Assert.Equal("W1982728624", r.SourceId);
        Assert.Equal("10.1371/journal.pone.0000030", r.Doi);
        Assert.Equal("17183658", r.Pmid);
        Assert.Equal(2006, r.Year);
        Assert.StartsWith("Triosephosphate isomerase (TPI) deficiency is", r.Abstract, StringComparison.Ordinal);
        Assert.Equal(5, r.Authors.Count);
        Assert.Contains(r.Authors, a => a.Affiliations.Count > 0);
    }

    [Fact]
    public void OpenAlex_ListsOf2026Schema_ParseWithMissingDoiAndAbstract()
    {
        using var f = Fixture("openalex", "commonmeta_works_sample5.json");
        var page = OpenAlexJson.Parse(f);
        Assert.Equal(5, page.Count);
        Assert.Equal(5, page.Records.Count);
        Assert.Contains(page.Records, r => r.Doi is null);
        Assert.All(page.Records, r => Assert.False(string.IsNullOrEmpty(r.Title)));
    }

    [Fact]
    public void OpenAlex_InvertedIndex_PutsWordsBackInOrder()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("{\"b\":[1,3],\"a\":[0],\"c\":[2]}");
        Assert.Equal("a b c b", OpenAlexJson.RebuildAbstract(doc.RootElement));
    }

    [Fact]
    public void Ieee_RecordedSample_MapsArticlesWithAndWithoutDoi()
    {
        using var sample = File.OpenRead(Path.Combine(TestPaths.Replay, "ieee", "search_start_1.json"));
        var page = IeeeJson.Parse(sample);
        Assert.Equal(5, page.TotalRecords);
        Assert.Equal(5, page.Records.Count);
        Assert.Equal("9034149", page.Records[0].SourceId);
        Assert.Equal("Tamas Ungi", page.Records[0].Authors[0].Name);
        Assert.NotNull(page.Records[0].Doi);
        Assert.Null(page.Records.Single(r => r.SourceId == "9990000002").Doi);
    }

    // The IEEE answers written by others are GPL-licensed: read by path, skipped where the corpus is not beside the project.
    [SkippableFact]
    public void Ieee_SearchAnswers_MapArticlesWithAndWithoutDoiOrAbstract()
    {
        using var full = File.OpenRead(TestPaths.Corpus("ieee", "pythography_ieee_search_response.json"));
        var page = IeeeJson.Parse(full);
        Assert.Equal(6, page.TotalRecords);
        Assert.Equal("7040330", page.Records[0].SourceId);
        Assert.Equal("10.1109/cdc.2014.7040330", page.Records[0].Doi);
        Assert.Equal("Al Kassem Jebai", page.Records[0].Authors[0].Name);
        using var scraped = File.OpenRead(TestPaths.Corpus("ieee", "fcastilloec_scrap_multiple_sorted.json"));
        var many = IeeeJson.Parse(scraped);
        Assert.Equal(54, many.Records.Count);
        Assert.Null(many.Records[0].Doi);
        Assert.Equal("1009856", many.Records[0].SourceId);
        using var bare = File.OpenRead(TestPaths.Corpus("ieee", "fcastilloec_result2.json"));
        Assert.Equal(2, IeeeJson.Parse(bare).Records.Count);
    }

    [Fact]
    public void Ieee_ErrorAnswer_IsAClearError()
    {
        var e = Assert.Throws<SourceException>(() => IeeeJson.Parse(Text("{\"error\":\"Developer Inactive\"}")));
        Assert.Contains("Developer Inactive", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Crossref_JatsAbstract_BecomesPlainTextWithSectionBreaks()
    {
        using var f = Fixture("crossref", "colrev_work_10.2196_22081.json");
        var r = Assert.Single(CrossrefJson.Parse(f));
        Assert.Equal("10.2196/22081", r.Doi);
        Assert.Equal(2020, r.Year);
        Assert.StartsWith("Background\nThe COVID-19 crisis", r.Abstract, StringComparison.Ordinal);
        Assert.DoesNotContain("jats:", r.Abstract, StringComparison.Ordinal);
        using var list = Fixture("crossref", "commonmeta_works_filter_prefix10.5555_rows20.json");
        Assert.Equal(20, CrossrefJson.Parse(list).Count);
    }

    [Theory]
    [InlineData("europepmc")]
    [InlineData("arxiv")]
    [InlineData("openalex")]
    [InlineData("crossref")]
    public void SourceFiles_EveryFixtureOfEverySource_Parses(string source)
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Fixtures, source)).Where(f => f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            using var s = File.OpenRead(file);
            var (records, _) = SourceFiles.Parse(source, s);
            Assert.All(records, r =>
            {
                Assert.Equal(source, r.Source);
                Assert.False(string.IsNullOrWhiteSpace(r.SourceId), $"{file}: a record without an id");
                Assert.True(r.Doi is null || (r.Doi.StartsWith("10.", StringComparison.Ordinal) && !r.Doi.Any(char.IsUpper)), $"{file}: DOI {r.Doi}");
            });
        }
    }
}
