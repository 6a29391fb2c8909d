using System.IO.Compression;
using SpineReview.Records;
using SpineReview.Sources;
using SpineReview.Sources.PubMed;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

public class PubMedXmlTests
{
    private static List<BibRecord> Parse(string path)
    {
        using Stream file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return PubMedXml.ParseEFetch(stream).ToList();
    }

    private static string Fixture(string name) => Path.Combine(TestPaths.Fixtures, "pubmed", name);

    [Fact]
    public void ParseEFetch_ReviewWithoutAbstract_MapsIdentifiersTypesAndMesh()
    {
        var records = Parse(Fixture("pubmed1.xml"));
        Assert.Equal(["12091962", "9997"], records.Select(x => x.Pmid));
        var r = records[0];
        Assert.Equal("12091962", r.Pmid);
        Assert.Equal("pubmed", r.Source);
        Assert.Equal("The treatment of AIDS behind the walls of correctional facilities.", r.Title);
        Assert.Null(r.Abstract);
        Assert.Equal(1990, r.Year);
        Assert.Equal(["Journal Article", "Review"], r.PublicationTypes);
        Assert.Contains("Humans", r.Mesh);
        Assert.Equal(["eng"], r.Language);
        Assert.Equal("Olivero JM", Assert.Single(r.Authors).Name);
    }

    [Fact]
    public void ParseEFetch_LabelledAbstract_KeepsSectionsAndPmcAndDoi()
    {
        var r = Assert.Single(Parse(Fixture("pubmed4.xml")));
        Assert.Equal("27797938", r.Pmid);
        Assert.Equal("10.1136/gutjnl-2016-312510", r.Doi);
        Assert.Equal("PMC5442267", r.Pmcid);
        Assert.Equal(2017, r.Year);
        Assert.Equal(22, r.Authors.Count);
        Assert.Equal("OBJECTIVE", r.AbstractSections[0].Label);
        Assert.StartsWith("OBJECTIVE: Telomere shortening", r.Abstract, StringComparison.Ordinal);
        Assert.True(r.AbstractSections.Count >= 4, "labelled sections kept");
        Assert.Contains(r.Authors, a => a.Affiliations.Count > 0);
    }

    [Fact]
    public void ParseEFetch_TitleWithInlineTags_RemovesMarkupAndKeepsWordsApart()
    {
        var tagged = Assert.Single(Parse(Fixture("title_with_html_tags.xml")));
        var plain = Assert.Single(Parse(Fixture("pubmed4.xml")));
        Assert.Equal("Leucocyte telomere length, genetic variants at the TERT gene region and risk of pancreatic cancer.", tagged.Title);
        Assert.Equal(plain.Title, tagged.Title);
    }

    [Theory]
    [InlineData("pubmed5.xml", "28775130", "10.1136/oemed-2017-104431", 2018)]
    [InlineData("pubmed6.xml", "30108519", "10.3389/fphys.2018.01034", 2018)]
    [InlineData("pubmed7.xml", "29963580", "10.1117/1.jmi.5.2.026002", 2018)]
    [InlineData("pubmed-29768149.xml", "29768149", "10.1056/nejmoa1715274", 2018)]
    public void ParseEFetch_RealFiles_GiveIdentifiersAndYear(string file, string pmid, string doi, int year)
    {
        var r = Assert.Single(Parse(Fixture(file)));
        Assert.Equal(pmid, r.Pmid);
        Assert.Equal(doi, r.Doi);
        Assert.Equal(year, r.Year);
        Assert.False(string.IsNullOrWhiteSpace(r.Title));
        Assert.DoesNotContain('<', r.Title);
        Assert.NotEmpty(r.Authors);
        Assert.NotNull(r.Abstract);
    }

    [Fact]
    public void ParseEFetch_GzippedMedlineFile_ReadsEveryArticle()
    {
        var records = Parse(Fixture("test_current_medline.xml.gz"));
        Assert.Equal(["36400559", "2930949", "11446611", "28786991"], records.Select(r => r.Pmid));
        Assert.Equal("Back Pain: Differential Diagnosis and Management.", records[0].Title);
        Assert.Equal("10.1016/j.ncl.2022.07.002", records[0].Doi);
        Assert.Equal("PMC4951901", records[2].Pmcid);
        Assert.Equal(["Journal Article", "Meta-Analysis", "Review", "Systematic Review"], records[3].PublicationTypes);
    }

    [Fact]
    public void ParseEFetch_ArticlesWithNoWhiteSpaceBetween_ReadsBoth()
    {
        var records = Parse(Fixture("pubmed2.xml"));
        Assert.Equal(["11748933", "11700088"], records.Select(r => r.Pmid));
        Assert.Equal("10.1006/cryo.2001.2328", records[0].Doi);
        Assert.Equal(2001, records[0].Year);
    }

    [SkippableFact]
    public void ParseEFetch_EutilsSamples_TwoArticlesAndABook()
    {
        var articles = Parse(TestPaths.Corpus("pubmed", "eutils_json_klortho", "efetch.pubmed.xml"));
        Assert.Equal(["17284678", "9997"], articles.Select(r => r.Pmid));
        Assert.Equal(1976, articles[1].Year);
        var book = Assert.Single(Parse(TestPaths.Corpus("pubmed", "eutils_json_klortho", "efetch.pubmedbook.xml")));
        Assert.Equal("20301295", book.Pmid);
        Assert.Equal("GeneReviews™", book.Title);
    }

    [Fact]
    public void ParseEFetch_NotAnEFetchDocument_ThrowsClearError()
    {
        var e = Assert.Throws<SourceException>(() => Parse(Fixture("efetch_pmc.xml")));
        Assert.Contains("PubmedArticleSet", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEFetch_TruncatedXml_ThrowsSourceException()
    {
        var bytes = File.ReadAllBytes(Fixture("pubmed4.xml"));
        using var cut = new MemoryStream(bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<SourceException>(() => PubMedXml.ParseEFetch(cut).ToList());
        Assert.Contains("cut short", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseEFetch_ExternalEntity_IsNeverResolved()
    {
        var secret = Path.GetTempFileName();
        File.WriteAllText(secret, "SECRET-CONTENT");
        var xml = $"""
            <?xml version="1.0"?>
            <!DOCTYPE PubmedArticleSet [<!ENTITY xxe SYSTEM "file://{secret}">]>
            <PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ArticleTitle>A &xxe; B</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>
            """;
        using var s = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(xml));
        var records = new List<BibRecord>();
        try { records.AddRange(PubMedXml.ParseEFetch(s)); }
        catch (SourceException) { }
        Assert.DoesNotContain(records, r => r.Title.Contains("SECRET", StringComparison.Ordinal));
        File.Delete(secret);
    }

    [Fact]
    public void ParseESearch_HistoryAnswer_GivesCountWebEnvAndKey()
    {
        using var s = File.OpenRead(Fixture("esearch2.xml"));
        var r = PubMedXml.ParseESearch(s);
        Assert.Equal(42249, r.Count);
        Assert.Equal("MCID_6927d6e7fee3e90f880ec190", r.WebEnv);
        Assert.Equal("1", r.QueryKey);
        Assert.Equal(100, r.Ids.Count);
    }

    [Fact]
    public void ParseESearch_PhraseNotFound_IsAWarningWithZeroCount()
    {
        using var s = File.OpenRead(Fixture("esearch8.xml"));
        var r = PubMedXml.ParseESearch(s);
        Assert.Equal(0, r.Count);
        Assert.Contains(r.Warnings, w => w.Contains("abcXYZ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void ParseESearch_ErrorDocument_ThrowsWithNcbiMessage()
    {
        using var s = File.OpenRead(TestPaths.Corpus("pubmed", "eutils_json_klortho", "esearch.baderror.xml"));
        var e = Assert.Throws<SourceException>(() => PubMedXml.ParseESearch(s));
        Assert.Contains("Invalid db name specified: fleegle", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.1000/ABC", "10.1000/abc")]
    [InlineData("https://doi.org/10.1000/abc", "10.1000/abc")]
    [InlineData("doi: 10.1000/abc.", "10.1000/abc")]
    [InlineData("http://dx.doi.org/10.1000/x", "10.1000/x")]
    [InlineData("not a doi", null)]
    [InlineData("", null)]
    public void NormaliseDoi_Forms_GiveOneLowerCaseForm(string raw, string? expected) =>
        Assert.Equal(expected, Identifiers.NormaliseDoi(raw));
}
