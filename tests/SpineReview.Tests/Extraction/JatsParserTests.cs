using System.Text;
using SpineReview.Extraction.FullText;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Extraction;

/// <summary>The JATS reader on the full texts written for the gold set and on a real PMC article (Biopython's efetch_pmc.xml).</summary>
public class JatsParserTests
{
    internal static string Sample(string id) => Path.Combine(TestPaths.RepoRoot, "samples", "gold", "fulltext", id + ".xml");

    private static JatsDocument Read(string id) => JatsParser.Parse(File.ReadAllBytes(Sample(id)));

    [Fact]
    public void Parse_ArticleWithTables_SectionsKindsAndCellsPointIntoTheText()
    {
        var doc = Read("FT02");

        Assert.StartsWith("Detection of thoracolumbar vertebral fractures", doc.Text, StringComparison.Ordinal);
        Assert.Equal(SectionKind.Abstract, doc.SectionAt(doc.Text.IndexOf("Thoracolumbar fractures are missed", StringComparison.Ordinal))!.Kind);
        var data = doc.SectionAt(doc.Text.IndexOf("Lateral thoracolumbar radiographs were collected", StringComparison.Ordinal))!;
        Assert.Equal(SectionKind.Methods, data.Kind);
        Assert.Equal("Methods › Data", data.Title);
        Assert.Equal(SectionKind.Introduction, doc.SectionAt(doc.Text.IndexOf("Vertebral fractures are common", StringComparison.Ordinal))!.Kind);
        Assert.Equal(SectionKind.Availability, doc.SectionAt(doc.Text.IndexOf("The code is available", StringComparison.Ordinal))!.Kind);

        Assert.Equal(2, doc.Tables.Count);
        var cohorts = doc.Tables[0];
        Assert.Equal("Table 1", cohorts.Label);
        Assert.Equal("Patients and radiographs in each cohort", cohorts.Caption);
        Assert.All(cohorts.Row(0), c => Assert.True(c.Header));
        var total = cohorts.Row(3).ToList();
        Assert.Equal("Total", doc.Text.Substring(total[0].Start, total[0].Length));
        Assert.Equal("2,550", doc.Text.Substring(total[1].Start, total[1].Length));
        Assert.Equal("4,800", doc.Text.Substring(total[2].Start, total[2].Length));
        Assert.Equal(SectionKind.Methods, doc.Sections[cohorts.Section].Kind);
        // A link keeps its text; references are not part of the text.
        Assert.Contains("https://github.com/spine-ai-lab/vfx-yolo", doc.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("Example J. 2019", doc.Text, StringComparison.Ordinal);
        Assert.Equal("10.5555/jsir.2023.0102", doc.Ids["doi"]);
        Assert.Contains(doc.Affiliations, a => a.StartsWith("Department of Orthopaedics, Peking University", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_EverySample_CellsParagraphsAndFiguresAreTheirOwnText()
    {
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(Sample("FT01"))!, "*.xml"))
        {
            var doc = JatsParser.Parse(File.ReadAllBytes(file));
            Assert.NotNull(doc.Licence);
            Assert.True(doc.Licence!.OpenAccess, file);
            foreach (var cell in doc.Tables.SelectMany(t => t.Cells))
            {
                var text = doc.Text.Substring(cell.Start, cell.Length);
                Assert.DoesNotContain("|", text, StringComparison.Ordinal);
                Assert.DoesNotContain("\n", text, StringComparison.Ordinal);
            }
            foreach (var p in doc.Paragraphs)
            {
                Assert.True(p.Start + p.Length < doc.Text.Length && doc.Text[p.Start + p.Length] == '\n', $"{file}: paragraph at {p.Start} does not end its line");
                var section = doc.Sections[p.Section];
                Assert.InRange(p.Start, section.Start, section.End);
            }
            Assert.True(doc.AbstractEnd > doc.Title.Length);
        }
        var fig = Read("FT03").Figures.Single();
        Assert.Equal("Figure 1", fig.Label);
        Assert.StartsWith("Figure 1. Segmentation examples Lesions outlined", Read("FT03").Text.Substring(fig.Start, fig.Length), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Licences_NamedFromTheirUrl()
    {
        Assert.Equal("CC BY 4.0", Read("FT01").Licence!.Name);
        Assert.Equal("CC BY-NC 4.0", Read("FT03").Licence!.Name);
        Assert.Equal("CC BY-NC-ND 4.0", Read("FT06").Licence!.Name);
    }

    [Fact]
    public void Parse_RealPmcArticleSet_ReadsTheArticleItsLicenceAndBody()
    {
        // A real answer of PMC efetch (an article set with a DOCTYPE naming NCBI's DTD, which must not be fetched).
        var doc = JatsParser.Parse(File.ReadAllBytes(TestPaths.Fixture("pubmed", "efetch_pmc.xml")));

        Assert.StartsWith("“Lung diffusing capacity for nitric oxide", doc.Title, StringComparison.Ordinal);
        Assert.Equal("https://creativecommons.org/licenses/by-nc/4.0/", doc.Licence!.Url);
        Assert.True(doc.Licence.OpenAccess);
        Assert.Equal("CC BY-NC 4.0", doc.Licence.Name);
        Assert.Contains("This article was originally published with an error in table 2.", doc.Text, StringComparison.Ordinal);
        Assert.Equal("8435807", doc.Ids["pmc"]);
        Assert.Empty(doc.Tables);
    }

    [Fact]
    public void Parse_InternalEntityDeclarations_AreNotExpanded()
    {
        // The DTD is ignored: an entity the internal subset declares stays undeclared, so a "billion laughs" cannot expand.
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE article SYSTEM "http://127.0.0.1:9/never-fetched.dtd" [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
            <article><front><article-meta><title-group><article-title>&lol2;</article-title></title-group></article-meta></front></article>
            """;
        var e = Assert.Throws<FormatException>(() => JatsParser.Parse(Encoding.UTF8.GetBytes(xml)));
        Assert.Contains("not well-formed XML", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ExternalDtd_IsNotFetched()
    {
        const string xml = """
            <?xml version="1.0"?>
            <!DOCTYPE article PUBLIC "-//NLM//DTD JATS//EN" "http://127.0.0.1:9/never-fetched.dtd">
            <article><front><article-meta><title-group><article-title>A title</article-title></title-group></article-meta></front><body><p>Text.</p></body></article>
            """;
        var doc = JatsParser.Parse(Encoding.UTF8.GetBytes(xml));
        Assert.Equal("A title\nText.\n", doc.Text);
        Assert.Null(doc.Licence);
    }

    [Fact]
    public void Parse_NotAnArticle_SaysWhatItIs()
    {
        var e = Assert.Throws<FormatException>(() => JatsParser.Parse(Encoding.UTF8.GetBytes("<OAI-PMH><error code=\"idDoesNotExist\"/></OAI-PMH>")));
        Assert.Contains("no <article> element (the root is <OAI-PMH>)", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => JatsParser.Parse(Encoding.UTF8.GetBytes("{\"error\": 404}")));
    }
}
