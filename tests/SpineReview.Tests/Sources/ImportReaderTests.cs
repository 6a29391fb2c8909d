using System.Text;
using SpineReview.Records;
using SpineReview.Sources.Imports;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Sources;

/// <summary>Every export format read from the samples in samples/import (written for the project in each platform's style):
/// every record's title, authors, year, DOI and PMID; the format from the content; encodings; entries that cannot be read.</summary>
public class ImportReaderTests
{
    private static string Sample(string name) => Path.Combine(TestPaths.RepoRoot, "samples", "import", name);

    private static ImportedFile Read(string name) => ImportReader.Read(File.ReadAllBytes(Sample(name)), "test-source");

    /// <summary>What a record must hold: title, authors, year, DOI, PMID.</summary>
    private sealed record Expected(string Title, string[] Authors, int Year, string? Doi, string? Pmid);

    private static void AssertRecords(ImportedFile file, params Expected[] expected)
    {
        Assert.Equal(expected.Length, file.Records.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var r = file.Records[i];
            var e = expected[i];
            Assert.Equal(e.Title, r.Title);
            Assert.Equal(e.Authors, r.Authors.Select(a => a.Name));
            Assert.Equal(e.Year, r.Year);
            Assert.Equal(e.Doi, r.Doi);
            Assert.Equal(e.Pmid, r.Pmid);
            Assert.Equal("test-source", r.Source);
        }
    }

    [Fact]
    public void Read_OvidEmbaseRis_EveryRecordsFields()
    {
        var file = Read("embase-ovid.ris");
        Assert.Equal(ImportFormat.Ris, file.Format);
        Assert.Empty(file.Problems);
        AssertRecords(file,
            new("Exploring the potential of a deep learning model for early CT detection of high-grade metastatic epidural spinal cord compression and its impact on treatment delays",
                ["Hallinan JTPD", "Zhu L", "Tan HWN", "Makmur A"], 2025, "10.3390/cancers17132180", null),
            new("Vertebral fracture detection on lateral spine radiographs with a vision transformer: a multicentre external validation",
                ["Okonkwo AC", "Lindqvist M", "Ferreira-Santos R"], 2026, "10.1007/s00586-025-09912-4", null),
            new("Automated segmentation of lumbar paraspinal muscles on MRI with nnU-Net: a conference abstract", ["Duarte P", "Nakamura K"], 2025, null, null));
        var first = file.Records[0];
        Assert.Equal("2036612345", first.SourceId);
        Assert.Equal("Cancers", first.Journal);
        Assert.Equal("Cancers (Basel)", first.JournalAbbreviation);
        Assert.Equal(["Journal Article", "Article"], first.PublicationTypes);
        // Ovid splits the abstract over N2 lines; the first one is the abstract's start.
        Assert.StartsWith("Background: Late diagnosis", first.Abstract, StringComparison.Ordinal);
        Assert.Equal(["Conference Paper", "Conference Abstract"], file.Records[2].PublicationTypes);
    }

    [Fact]
    public void Read_WebOfScienceRisWithBom_EveryRecordsFields()
    {
        var file = Read("wos.ris");
        Assert.Equal(ImportFormat.Ris, file.Format);
        Assert.Empty(file.Problems);
        AssertRecords(file,
            new("Deep learning quantification of lumbar foraminal stenosis on sagittal MRI: development and multi-reader comparison",
                ["Brennan SM", "Yilmaz K", "Huang WT"], 2025, "10.1097/brs.0000000000005311", null),
            new("Whole-spine MRI screening for bone metastases with a self-supervised network",
                ["Müller J", "Østergaard S", "García-López I"], 2026, "10.1007/s00330-025-11876-0", null));
        Assert.Equal("WOS:001398765400012", file.Records[0].SourceId);
        Assert.Equal("SPINE", file.Records[0].Journal);
        Assert.Equal("1502-1510", file.Records[0].Pages);
    }

    [Fact]
    public void Read_ScopusRisWithBrokenEntries_ReportsEachByLine_ReadsTheRest()
    {
        var file = Read("scopus-with-errors.ris");
        Assert.Equal(4, file.Entries);
        AssertRecords(file,
            new("Predicting adjacent segment disease after lumbar fusion from preoperative radiographs with deep learning", ["Rahman T", "Kowalczyk AM"], 2025,
                "10.1016/j.spinee.2025.06.017", "40712345"),
            new("Scoliosis Cobb angle measurement on radiographs with landmark detection networks", ["Ivanova PS", "Chen X"], 2024, "10.1007/s00586-024-08430-1", "39201234"));
        Assert.Equal(
            [
                "line 21: the entry has no title; it was not imported",
                "line 29: the entry is not closed by an ER line before the next TY on line 37; it was not imported",
            ],
            file.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Read_MedlineNbib_EveryRecordsFields()
    {
        var file = Read("pubmed.nbib");
        Assert.Equal(ImportFormat.Medline, file.Format);
        Assert.Empty(file.Problems);
        AssertRecords(file,
            new("Explainable multi-parameter MRI radiomics model for the noninvasive tracing of the origin of vertebral metastatic cancer: a multicenter cohort study.",
                [], 2025, "10.1097/js9.0000000000003819", "41202318"),
            new("Automated Modic change classification on lumbar MRI with a convolutional neural network.",
                ["Lindström K", "O'Neill PJ", "Nguyen TTH", "Spine AI Study Group"], 2025, "10.1097/brs.0000000000005123", "40877001"),
            new("A foundation model for spine radiographs: pretraining on 1.2 million images.", ["Adeyemi O", "Park JH"], 2025, "10.1148/ryai.240501", "40655321"));
        var modic = file.Records[1];
        Assert.Equal("PMC12400001", modic.Pmcid);
        Assert.Equal(["Humans", "Deep Learning", "Lumbar Vertebrae", "Magnetic Resonance Imaging"], modic.Mesh);
        Assert.Equal("1330-1338", modic.Pages);
        Assert.Equal("Spine (Phila Pa 1976)", modic.JournalAbbreviation);
        Assert.StartsWith("STUDY DESIGN: Retrospective diagnostic study. OBJECTIVE: To classify Modic changes on sagittal", modic.Abstract, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BibTex_EveryRecordsFields_LatexAsText()
    {
        var file = Read("library.bib");
        Assert.Equal(ImportFormat.BibTex, file.Format);
        Assert.Empty(file.Problems);
        AssertRecords(file,
            new("MRI-based deep learning for grading lumbar spinal canal stenosis: a prospective multicentre study",
                ["Schröder L", "François A", "Spine Imaging Consortium"], 2025, "10.1016/j.ejrad.2025.112034", "40512345"),
            new("Self-supervised detection of osteoporotic vertebral fractures on CT scout images", ["Tanaka H", "Smith J"], 2024, "10.1117/12.3006789", null),
            new("Radiograph-based prediction of sagittal balance after spinal fusion with graph neural networks", ["Novák P", "Kovač A"], 2026,
                "10.1007/s43390-025-01188-2", "40998877"));
        Assert.Equal("European Journal of Radiology", file.Records[0].Journal);
        Assert.Equal("112034-112041", file.Records[0].Pages);
        Assert.Equal(["Conference Paper"], file.Records[1].PublicationTypes);
    }

    [Fact]
    public void Read_EndNoteXml_EveryRecordsFields_StyledRunsJoined()
    {
        var file = Read("endnote.xml");
        Assert.Equal(ImportFormat.EndNoteXml, file.Format);
        Assert.Empty(file.Problems);
        AssertRecords(file,
            new("Deep learning detection of spondylolisthesis on lumbar radiographs in primary care", ["Abernethy CR", "Venkataraman P"], 2025,
                "10.1186/s12891-025-08912-3", "40761122"),
            new("Ultrasound-guided lumbar puncture with real-time needle tracking by a neural network", ["Kim SJ", "Haddad O", "Petrov I"], 2025,
                "10.1016/j.ultrasmedbio.2025.05.004", null));
        Assert.Equal("Ultrasound in Medicine & Biology", file.Records[1].Journal);
    }

    [Theory]
    [InlineData("embase-ovid.ris", ImportFormat.Ris)]
    [InlineData("pubmed.nbib", ImportFormat.Medline)]
    [InlineData("library.bib", ImportFormat.BibTex)]
    [InlineData("endnote.xml", ImportFormat.EndNoteXml)]
    public void Detect_FromTheContent_WhateverTheFileIsCalled(string name, ImportFormat format)
    {
        // The reader is given bytes only: a file saved as "export.txt" or "download.cgi" reads the same.
        Assert.Equal(format, ImportReader.Detect(ImportReader.Decode(File.ReadAllBytes(Sample(name)))));
    }

    [Fact]
    public void Read_NotAnExport_SaysWhatItBeginsWithAndWhatToDo()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImportReader.Read(Encoding.UTF8.GetBytes("title,year,doi\nSpine CT,2024,10.1/x\n"), "x"));
        Assert.Equal("The file is not an export this reads (RIS, MEDLINE/.nbib, BibTeX or EndNote XML); it begins: \"title,year,doi Spine CT,2024,10.1/x\". " +
            "Export the search results from the platform in one of these formats.", e.Message);
    }

    [Theory]
    [InlineData("utf-16LE")]
    [InlineData("utf-16BE")]
    [InlineData("utf-8-bom")]
    [InlineData("windows-1252")]
    public void Read_OtherEncodings_TheSameRecords(string encoding)
    {
        var text = File.ReadAllText(Sample("wos.ris"));
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var bytes = encoding switch
        {
            "utf-16LE" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf-16BE" => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(text)],
            "utf-8-bom" => [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text)],
            _ => Encoding.GetEncoding(1252).GetBytes(text),
        };
        var file = ImportReader.Read(bytes, "test-source");
        Assert.Equal(["Brennan SM", "Yilmaz K", "Huang WT", "Müller J", "Østergaard S", "García-López I"], file.Records.SelectMany(r => r.Authors).Select(a => a.Name));
        Assert.Equal(Read("wos.ris").Records.Select(r => (r.Title, r.Doi, r.SourceId)), file.Records.Select(r => (r.Title, r.Doi, r.SourceId)));
    }

    [Fact]
    public void Read_BibTexEntryWithAMissingBrace_ReportedByLine_TheNextEntryRead()
    {
        var text = """
            @article{good1, title = {Lumbar MRI segmentation with a U-Net}, author = {Rossi, Marco}, year = {2024}, doi = {10.1000/one}}

            @article{broken,
              title = {Spinal CT with a missing brace,
              author = {Weber, Anna},
              year = {2025}
            }

            @article{good2, title = "Cervical radiograph classification", author = "Sato, Yuki", year = 2023}
            """;
        var file = ImportReader.Read(Encoding.UTF8.GetBytes(text), "test-source");
        Assert.Equal(3, file.Entries);
        Assert.Equal(["Lumbar MRI segmentation with a U-Net", "Cervical radiograph classification"], file.Records.Select(r => r.Title));
        var problem = Assert.Single(file.Problems);
        Assert.Equal(3, problem.Line);
        // The title's brace is never closed, so the title takes in the fields after it up to the entry's last brace; then the next entry begins.
        Assert.Equal("the entry cannot be read: the entry runs into the next one (a closing brace or quote is missing before it) (line 9); it was not imported", problem.Message);
    }

    [Fact]
    public void Read_MedlineEntryWithoutPmidAndAGarbledLine_EachReportedByLine()
    {
        var text = "PMID- 1\nTI  - One\nDP  - 2024\n\nTI  - Lost its PMID\nDP  - 2024\n\nPMID- 3\nTI  - Three\n#### garbled ####\nDP  - 2024\n\nPMID- 4\nTI  - Four\nDP  - 2023\n";
        var file = ImportReader.Read(Encoding.UTF8.GetBytes(text), "test-source");
        Assert.Equal(4, file.Entries);
        Assert.Equal(["1", "4"], file.Records.Select(r => r.Pmid));
        Assert.Equal(
            [
                "line 5: the entry has no PMID line (a MEDLINE entry starts with one); it was not imported",
                "line 8: line 10 is neither a field (\"TAG - value\") nor the continuation of one; the entry was not imported",
            ],
            file.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Read_EndNoteXmlThatBreaks_RecordsBeforeRead_TheBreakReportedByLine()
    {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xml><records>\n<record><titles><title>Spine one</title></titles><dates><year>2024</year></dates></record>\n" +
                   "<record><titles><title></title></titles></record>\n<record><titles><title>Spine three</title></titles></record>\n<record><titles><title>Broken</titl></record>\n</records></xml>";
        var file = ImportReader.Read(Encoding.UTF8.GetBytes(text), "test-source");
        Assert.Equal(["Spine one", "Spine three"], file.Records.Select(r => r.Title));
        Assert.Equal(2, file.Problems.Count);
        Assert.Equal("line 4: the entry has no title; it was not imported", file.Problems[0].ToString());
        Assert.Equal(6, file.Problems[1].Line);
        Assert.Contains("the XML breaks here", file.Problems[1].Message, StringComparison.Ordinal);
    }
}
