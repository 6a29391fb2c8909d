using SpineReview.Extraction;
using SpineReview.Extraction.FullText;
using SpineReview.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace SpineReview.Tests.Extraction;

/// <summary>An arXiv-style PDF read into sections and charted: the study's values, from its own sections, with offsets that point at them.</summary>
public class PdfFullTextTests(ITestOutputHelper output)
{
    private const string Licence = "http://creativecommons.org/licenses/by/4.0/";

    private static byte[] Paper() => PaperPdf.Write("Deep learning grading of lumbar spondylolisthesis on radiographs: a two-hospital study with external testing",
        "A. Example, B. Example (Department of Radiology, Example University Hospital, Lyon, France)", PaperPdf.Cobb);

    [Fact]
    public void Parse_ArxivStylePdf_SectionsByTheirHeadingsReferencesLeftOut()
    {
        var doc = PdfFullText.Parse(Paper(), Licence);
        output.WriteLine(doc.Text);
        foreach (var s in doc.Sections) output.WriteLine($"{s.Kind} {s.Title} {s.Start}-{s.End}");
        Assert.StartsWith("Deep learning grading of lumbar spondylolisthesis on radiographs", doc.Title, StringComparison.Ordinal);
        var kinds = doc.Sections.Select(s => (s.Title, s.Kind)).ToList();
        Assert.Contains(("Abstract", SectionKind.Abstract), kinds);
        Assert.Contains(("Introduction", SectionKind.Introduction), kinds);
        Assert.Contains(("Materials and Methods", SectionKind.Methods), kinds);
        // A numbered subsection the paper names itself belongs to its parent's kind.
        Assert.Contains(("Study cohort", SectionKind.Methods), kinds);
        Assert.Contains(("Results", SectionKind.Results), kinds);
        Assert.Contains(("Discussion", SectionKind.Discussion), kinds);
        Assert.Contains(("Code availability", SectionKind.Availability), kinds);
        Assert.DoesNotContain("9,999", doc.Text, StringComparison.Ordinal);
        // Each paragraph is one line of the text, its wrapped lines joined.
        Assert.Contains("We retrospectively collected 1,480 lateral lumbar radiographs of 740 patients at two hospitals between 2018 and 2022. The patients were split 70/15/15", doc.Text, StringComparison.Ordinal);
        Assert.Equal("CC BY 4.0", doc.Licence!.Name);
        Assert.True(doc.Licence.OpenAccess);
    }

    [Fact]
    public void Extract_ArxivStylePdf_StudysValuesWithOffsetsPointingAtThem()
    {
        var doc = PdfFullText.Parse(Paper(), Licence);
        var fields = FullTextExtractor.Extract(doc).ToDictionary(f => f.Field, StringComparer.Ordinal);
        string At(ExtractedValue v) => doc.Text.Substring(v.Start, v.Length);

        var subjects = Assert.Single(fields["subjects"].Values);
        Assert.Equal("740", subjects.Value);
        Assert.Contains("740", At(subjects), StringComparison.Ordinal);
        Assert.StartsWith("Study cohort: ", subjects.Evidence, StringComparison.Ordinal);
        var images = Assert.Single(fields["images"].Values);
        Assert.Equal("1480", images.Value);
        Assert.Contains("1,480", At(images), StringComparison.Ordinal);
        var split = Assert.Single(fields["split"].Values);
        Assert.Equal("0.70/0.15/0.15", split.Value);
        Assert.Contains("70/15/15", At(split), StringComparison.Ordinal);
        var url = Assert.Single(fields["codeUrl"].Values);
        Assert.Equal("https://github.com/example-lab/spondy-net", url.Value);
        Assert.StartsWith(url.Value, At(url), StringComparison.Ordinal);
        Assert.Equal(["true"], fields["externalValidation"].Distinct);
        Assert.Contains("external test", At(fields["externalValidation"].Values[0]), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["DenseNet"], fields["architectures"].Distinct);
        // What the introduction, discussion and references cite is not the study's.
        Assert.Equal(["false"], fields["crossValidation"].Distinct);
        Assert.Equal(["MultiCentre"], fields["datasetOrigin"].Distinct);
        Assert.All(fields.Values.SelectMany(f => f.Values).Where(v => v.Length > 0),
            v => Assert.False(FullTextExtractor.IsCited(doc.SectionAt(v.Start)!.Kind), $"{v.Value} from {doc.SectionAt(v.Start)!.Title}"));
    }

    [Fact]
    public void Parse_NotAPdf_ClearError()
    {
        var e = Assert.Throws<FormatException>(() => PdfFullText.Parse("<html>sign in to read</html>"u8.ToArray(), Licence));
        Assert.Contains("not a PDF", e.Message, StringComparison.Ordinal);
        var broken = Paper()[..400];
        Assert.Throws<FormatException>(() => PdfFullText.Parse(broken, Licence));
    }
}
