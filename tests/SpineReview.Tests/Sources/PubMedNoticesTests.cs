using System.Text;
using SpineReview.Sources;
using SpineReview.Sources.PubMed;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>The notices PubMed links to an article, read from efetch answers in PubMed's format (the recorded refresh sample, and
/// articles written here for the RefTypes it does not show).</summary>
public class PubMedNoticesTests
{
    [Fact]
    public void Parse_RecordedRetractedStudy_RetractionWithItsDoiAndErratumWithItsPmid()
    {
        var xml = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "samples", "refresh", "pubmed", "efetch_id_40647478.xml"));

        var article = Assert.Single(PubMedNotices.Parse(xml));

        Assert.Equal("40647478", article.Pmid);
        Assert.True(article.MarkedRetracted);
        Assert.Equal([new PubMedNotice("erratum", "41702315", null), new PubMedNotice("retraction", "41890142", "10.3390/cancers18221977")], article.Notices);
        Assert.Equal("10.3390/cancers17132180", article.Doi);
    }

    [Fact]
    public void Parse_RecordedErratumArticle_ItsOwnDoi_ItsReverseLinkIsNoNotice()
    {
        var xml = File.ReadAllBytes(Path.Combine(TestPaths.RepoRoot, "samples", "refresh", "pubmed", "efetch_id_41702315.xml"));

        var notice = Assert.Single(PubMedNotices.Parse(xml));

        Assert.Equal(("41702315", "10.3390/cancers18040611", false), (notice.Pmid, notice.Doi, notice.MarkedRetracted));
        Assert.Empty(notice.Notices);
    }

    [Fact]
    public void Parse_OwnDoi_FromTheIdListFirst_ElseTheElectronicLocation_ElseNone()
    {
        var xml = Encoding.UTF8.GetBytes("""
            <PubmedArticleSet>
            <PubmedArticle><MedlineCitation><PMID>1</PMID><Article><ELocationID EIdType="doi">10.1/Located</ELocationID></Article></MedlineCitation>
              <PubmedData><ArticleIdList><ArticleId IdType="pubmed">1</ArticleId><ArticleId IdType="doi"> 10.1/LISTED </ArticleId></ArticleIdList></PubmedData></PubmedArticle>
            <PubmedArticle><MedlineCitation><PMID>2</PMID><Article><ELocationID EIdType="pii">7</ELocationID><ELocationID EIdType="doi">10.1/Located</ELocationID></Article></MedlineCitation></PubmedArticle>
            <PubmedArticle><MedlineCitation><PMID>3</PMID><Article><ELocationID EIdType="pii">7</ELocationID></Article></MedlineCitation></PubmedArticle>
            </PubmedArticleSet>
            """);

        Assert.Equal(["10.1/listed", "10.1/located", null], PubMedNotices.Parse(xml).Select(a => a.Doi));
    }

    [Fact]
    public void Parse_EachRefType_MappedToItsKind_ReverseLinksAndCommentsLeftOut_PreprintUpdateIsItsJournalVersion()
    {
        var xml = Set(
            Article("100", "Preprint", """
                <CommentsCorrections RefType="UpdateIn"><RefSource>Spine J. 2026 Jan;26(1):1-9. doi: 10.1016/j.spinee.2025.01.001.</RefSource><PMID Version="1">201</PMID></CommentsCorrections>
                <CommentsCorrections RefType="CommentIn"><RefSource>Spine J. 2026;26:10</RefSource><PMID Version="1">202</PMID></CommentsCorrections>
                """),
            Article("101", "Journal Article", """
                <CommentsCorrections RefType="UpdateIn"><RefSource>Eur Spine J. 2026;35:11</RefSource><PMID Version="1">203</PMID></CommentsCorrections>
                <CommentsCorrections RefType="ExpressionOfConcernIn"><RefSource>Eur Spine J. 2026;35:12</RefSource><PMID Version="1">204</PMID></CommentsCorrections>
                <CommentsCorrections RefType="RetractedandRepublishedIn"><RefSource>Eur Spine J. 2026;35:13</RefSource><PMID Version="1">205</PMID></CommentsCorrections>
                <CommentsCorrections RefType="RepublishedIn"><RefSource>Eur Spine J. 2026;35:14</RefSource></CommentsCorrections>
                <CommentsCorrections RefType="RetractionOf"><RefSource>Eur Spine J. 2025;34:1</RefSource><PMID Version="1">206</PMID></CommentsCorrections>
                <CommentsCorrections RefType="ErratumFor"><RefSource>Eur Spine J. 2025;34:2</RefSource><PMID Version="1">207</PMID></CommentsCorrections>
                <CommentsCorrections RefType="Cites"><RefSource>Radiology. 2020;1:1</RefSource><PMID Version="1">208</PMID></CommentsCorrections>
                """),
            Article("102", "Retracted Publication", ""));

        var articles = PubMedNotices.Parse(xml);

        Assert.Equal(["100", "101", "102"], articles.Select(a => a.Pmid));
        Assert.Equal([new PubMedNotice("journal-version", "201", "10.1016/j.spinee.2025.01.001")], articles[0].Notices);
        Assert.Equal(
            [
                new PubMedNotice("update", "203", null), new PubMedNotice("expression_of_concern", "204", null),
                new PubMedNotice("retraction", "205", null), new PubMedNotice("republication", null, null),
            ],
            articles[1].Notices);
        Assert.False(articles[1].MarkedRetracted);
        // Marked retracted by its publication type alone, no notice linked.
        Assert.True(articles[2].MarkedRetracted);
        Assert.Empty(articles[2].Notices);
    }

    [Fact]
    public void Parse_ErrorDocumentOrCutShort_SourceExceptionSaysWhat()
    {
        var error = Assert.Throws<SourceException>(() => PubMedNotices.Parse(Encoding.UTF8.GetBytes("<eFetchResult><ERROR>Empty id list</ERROR></eFetchResult>")));
        Assert.Contains("root <eFetchResult>", error.Message, StringComparison.Ordinal);
        var cut = Assert.Throws<SourceException>(() => PubMedNotices.Parse(Set(Article("1", "Journal Article", ""))[..300]));
        Assert.Contains("cut short or malformed", cut.Message, StringComparison.Ordinal);
    }

    private static byte[] Set(params string[] articles) => Encoding.UTF8.GetBytes(
        "<?xml version=\"1.0\" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle, 1st January 2025//EN\" \"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd\">\n" +
        "<PubmedArticleSet>\n" + string.Concat(articles) + "</PubmedArticleSet>\n");

    private static string Article(string pmid, string type, string corrections) => $"""
        <PubmedArticle><MedlineCitation Status="MEDLINE" Owner="NLM"><PMID Version="1">{pmid}</PMID>
        <Article PubModel="Print"><ArticleTitle>Deep learning on spine MRI.</ArticleTitle>
        <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType><PublicationType>{type}</PublicationType></PublicationTypeList></Article>
        <MedlineJournalInfo><MedlineTA>Spine J</MedlineTA></MedlineJournalInfo>
        {(corrections.Length == 0 ? "" : $"<CommentsCorrectionsList>{corrections}</CommentsCorrectionsList>")}
        </MedlineCitation><PubmedData><ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId></ArticleIdList></PubmedData></PubmedArticle>
        """;
}
