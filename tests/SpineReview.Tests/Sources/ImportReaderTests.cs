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

    /// <summary>An export as EndNote and Reference Manager often write one: UTF-8, with one record's lines in Windows-1252.</summary>
    internal static byte[] MixedEncodingRis()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return
        [
            .. Encoding.UTF8.GetBytes("TY  - JOUR\nTI  - Lumbar MRI segmentation\nAU  - Müller, Jürgen\nAU  - Østergaard, Søren\nPY  - 2024\nER  - \n\n"),
            .. Encoding.GetEncoding(1252).GetBytes("TY  - JOUR\nTI  - Fracturas cervicales en TC: análisis\nAU  - García-López, Iñigo\nPY  - 2023\nER  - \n\n"),
            .. Encoding.UTF8.GetBytes("TY  - JOUR\nTI  - Scoliosis radiographs\nAU  - Dvořák, Tomáš\nPY  - 2025\nER  - \n"),
        ];
    }

    [Fact]
    public void Read_MostlyUtf8WithWindows1252Lines_EachLineAsWhatItIs_TheLegacyLinesNamed()
    {
        var file = ImportReader.Read(MixedEncodingRis(), "test-source");

        // Decoded whole as Windows-1252, the UTF-8 names would read "MÃ¼ller" and "DvoÅ™Ã¡k".
        Assert.Equal(["Müller J", "Østergaard S", "García-López I", "Dvořák T"], file.Records.SelectMany(r => r.Authors).Select(a => a.Name));
        Assert.Equal(["Lumbar MRI segmentation", "Fracturas cervicales en TC: análisis", "Scoliosis radiographs"], file.Records.Select(r => r.Title));
        // Only the lines of the second record that hold a byte above 127 are not UTF-8; its ASCII lines read the same either way.
        Assert.Equal([9, 10], file.LegacyLines);
        Assert.Equal("lines 9-10 are not UTF-8 and were read as Windows-1252 (as older Windows exports are), the rest as UTF-8: check the accented " +
            "letters of the entries on those lines (a file in another legacy code page reads wrongly there).", file.EncodingWarning);
    }

    [Fact]
    public void Read_Utf8OrWindows1252Throughout_NoLegacyLinesOrEveryAccentedLine()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var text = File.ReadAllText(Sample("wos.ris"));
        Assert.Empty(ImportReader.Read(Encoding.UTF8.GetBytes(text), "test-source").LegacyLines);
        var legacy = ImportReader.Read(Encoding.GetEncoding(1252).GetBytes(text), "test-source");
        var accented = text.Split('\n').Select((l, i) => (l, i + 1)).Where(x => x.l.Any(c => c > 127)).Select(x => x.Item2);
        Assert.Equal(accented, legacy.LegacyLines);
    }

    [Theory]
    [InlineData("utf-16LE")]
    [InlineData("utf-16BE")]
    public void Read_Utf16WithoutByteOrderMark_TheSameRecords(string encoding)
    {
        var text = File.ReadAllText(Sample("wos.ris"));
        var bytes = (encoding == "utf-16LE" ? Encoding.Unicode : Encoding.BigEndianUnicode).GetBytes(text);
        var file = ImportReader.Read(bytes, "test-source");
        Assert.Equal(["Brennan SM", "Yilmaz K", "Huang WT", "Müller J", "Østergaard S", "García-López I"], file.Records.SelectMany(r => r.Authors).Select(a => a.Name));
        Assert.Empty(file.LegacyLines);
    }

    [Theory]
    [InlineData("ris")]
    [InlineData("medline")]
    public void Read_OneEntryOfOneAndAHalfMegabytes_ReadWhole(string format)
    {
        // A platform wraps a long field over many lines without a tag (RIS) or indented six spaces (MEDLINE): 20,000 of them here.
        const string Wrapped = "deep learning segmentation of lumbar vertebrae on sagittal magnetic resonance";
        var medline = format == "medline";
        var text = new StringBuilder(medline ? "PMID- 1\nTI  - One long entry\nDP  - 2024\nAB  - Start.\n" : "TY  - JOUR\nTI  - One long entry\nPY  - 2024\nAB  - Start.\n");
        for (var i = 0; i < 20_000; i++) text.Append(medline ? "      " : "").Append(Wrapped).Append('\n');
        text.Append(medline ? "KW  - spine\n" : "KW  - spine\nER  - \n");
        Assert.True(text.Length > 1_500_000);

        var file = ImportReader.Read(Encoding.UTF8.GetBytes(text.ToString()), "test-source");

        var record = Assert.Single(file.Records);
        Assert.Equal("One long entry", record.Title);
        Assert.Equal("Start. " + string.Join(' ', Enumerable.Repeat(Wrapped, 20_000)), record.Abstract);
        Assert.Equal(medline ? Array.Empty<string>() : ["spine"], record.Keywords);
    }

    [Fact]
    public void Read_EndNoteXmlWithADocumentType_SaysWhatToDo()
    {
        var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE xml SYSTEM \"endnote.dtd\">\n<xml><records>\n" +
                   "<record><titles><title>Spine one</title></titles><dates><year>2024</year></dates></record>\n</records></xml>";
        var file = ImportReader.Read(Encoding.UTF8.GetBytes(text), "test-source");
        Assert.Empty(file.Records);
        var problem = Assert.Single(file.Problems);
        Assert.Equal("line 2: the file declares a document type (<!DOCTYPE ...>), which EndNote's XML export does not write and which is not read, " +
            "for safety; nothing was imported. Export the library from EndNote again (File > Export, type \"XML\"), or delete the <!DOCTYPE ...> line " +
            "and import the file again.", problem.ToString());
    }
}
