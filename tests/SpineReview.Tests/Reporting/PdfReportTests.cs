using SpineReview.Records;
using SpineReview.Reporting;
using SpineReview.Screening;
using SpineReview.Storage;
using SpineReview.Tests.Support;
using Xunit;

namespace SpineReview.Tests.Reporting;

/// <summary>The renderer on a model built in memory: layout checks need no storage.</summary>
public class PdfReportTests
{
    private static ReportModel Model(int studies)
    {
        var records = new List<StoredRecord>();
        var decisions = new List<RuleDecision>();
        var at = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < studies + 10; i++)
        {
            var rec = new BibRecord
            {
                Source = "pubmed", SourceId = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), Pmid = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Title = i % 7 == 0
                    ? "A deliberately long title about convolutional neural networks for automated multi-level lumbar spinal canal stenosis grading on sagittal and axial T2-weighted magnetic resonance images with external validation across three hospitals"
                    : $"Deep learning study number {i} on spine imaging",
                Year = 2015 + i % 10, Journal = "Spine (Phila Pa 1976)", Doi = $"10.1000/study.{i}",
                Authors = [new Author($"Author{i} AB", [])],
            };
            records.Add(new StoredRecord(rec.Key, rec, null, null, "20250101T000000000Z", at));
            decisions.Add(new RuleDecision(rec.Key, i >= studies, i >= studies ? ReasonCodes.Review : null, "t", "t", "", at));
        }
        var fields = records.Take(studies).ToDictionary(r => r.Key, r => new List<SpineReview.Extraction.ExtractedField>
        {
            SpineReview.Extraction.KeywordExtractor.Modality(r.Key.EndsWith('0') ? "MRI and CT" : "radiographs"),
            SpineReview.Extraction.KeywordExtractor.Region("lumbar and thoracic"),
        });
        var searches = new List<SearchLogEntry>
        {
            new("pubmed", "20250101T000000000Z", at, "(deep learning) AND (spine) AND (MRI)", new DateOnly(2012, 1, 1), new DateOnly(2025, 3, 1), "", studies + 10, studies + 10, studies + 10, 0, 0, 3, 1.5, "complete", null),
        };
        return ReportModelBuilder.Build(3, at, records, decisions, fields, searches, new HashSet<string>(), 2, null);
    }

    [Fact]
    public void Render_ManyStudies_NoTextLeavesItsBoxOrThePage()
    {
        var report = PdfReport.Render(Model(120));
        Assert.True(report.Pages >= 5);
        Assert.NotEmpty(report.TextLog);
        foreach (var (page, text, box, bounds) in report.TextLog)
        {
            Assert.True(bounds.Left >= box.Left - 0.5f && bounds.Right <= box.Right + 0.5f, $"page {page}: \"{text}\" runs out of its box horizontally ({bounds.Right} > {box.Right})");
            Assert.True(bounds.Right <= PageWriter.PageWidth && bounds.Bottom <= PageWriter.PageHeight && bounds.Top >= 0, $"page {page}: \"{text}\" leaves the page");
        }
        Assert.All(report.TextLog.Where(t => t.Box.Bottom <= PageWriter.PageHeight - PageWriter.Margin + 1 && t.Box.Top >= PageWriter.Margin + PageWriter.HeaderHeight),
            t => Assert.True(t.Bounds.Bottom <= PageWriter.PageHeight - PageWriter.Margin - PageWriter.FooterHeight + 1, $"page {t.Page}: \"{t.Text}\" runs into the footer"));
    }

    [Fact]
    public void Render_EveryPage_HasTextAndInk()
    {
        var report = PdfReport.Render(Model(40));
        var texts = Pdf.PageTexts(report.Pdf);
        Assert.Equal(report.Pages, texts.Count);
        for (var i = 1; i < texts.Count; i++) Assert.Contains($"Page {i + 1} of {report.Pages}", texts[i], StringComparison.Ordinal);
        var ink = Pdf.InkPerPage(report.Pdf);
        Assert.Equal(report.Pages, ink.Count);
        Assert.All(ink, share => Assert.True(share > 0.005, $"a page is blank ({share:P2} ink)"));
    }

    [Fact]
    public void Render_SameModelTwice_SameBytes()
    {
        var model = Model(10);
        Assert.Equal(PdfReport.Render(model).Pdf, PdfReport.Render(model).Pdf);
    }

    [Fact]
    public void Render_StudyTable_ListsEveryStudyWithItsDoi()
    {
        var model = Model(25);
        var text = string.Join(" ", Pdf.PageTexts(PdfReport.Render(model).Pdf));
        foreach (var s in model.Studies) Assert.Contains($"doi:{s.Doi}", text, StringComparison.Ordinal);
        Assert.Contains("Version", text, StringComparison.Ordinal);
        Assert.Contains("Data cut-off", text, StringComparison.Ordinal);
    }
}
