using SkiaSharp;

namespace SpineReview.Reporting;

/// <summary>A rendered report: the PDF bytes, its page count, its outline and every text line drawn with its box.</summary>
public sealed record RenderedReport(byte[] Pdf, int Pages, IReadOnlyList<OutlineEntry> Outline, IReadOnlyList<(int Page, string Text, SKRect Box, SKRect Bounds)> TextLog);

/// <summary>Composes the report from its components onto A4 pages (SkiaSharp PDF backend: vector, selectable text, embedded fonts).</summary>
public static class PdfReport
{
    /// <summary>The components after the cover, in reading order.</summary>
    public static IReadOnlyList<IReportComponent> Components { get; } =
    [
        new WhatsNewComponent(), new LivingModeComponent(), new MethodsComponent(), new PrismaComponent(), new ResultsComponent(), new StudiesTableComponent(),
        new ScreeningQualityComponent(), new ExtractionQualityComponent(), new AppendixComponent(),
    ];

    /// <summary>Renders the model. Two passes: the first finds the pages of the sections, for "Page N of M" and the contents.</summary>
    public static RenderedReport Render(ReportModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var first = RenderOnce(model, totalPages: 0, contents: []);
        var second = RenderOnce(model, first.Pages, first.Outline);
        return second with { Pdf = PdfOutline.Add(second.Pdf, second.Outline) };
    }

    private static RenderedReport RenderOnce(ReportModel model, int totalPages, IReadOnlyList<OutlineEntry> contents)
    {
        using var stream = new MemoryStream();
        // Dates in the file come from the data, so the same data and version give the same bytes.
        var stamp = model.Created.UtcDateTime;
        var metadata = new SKDocumentPdfMetadata
        {
            Title = $"Deep learning in spine imaging: living scoping review, version {model.Version}",
            Author = "SpineReview",
            Subject = $"Living scoping review report, version {model.Version}, data cut-off {model.DataCutoff:yyyy-MM-dd}",
            Keywords = "deep learning; spine; medical imaging; scoping review; living review",
            Creator = "SpineReview",
            Producer = "SpineReview (SkiaSharp)",
            Creation = stamp,
            Modified = stamp,
            RasterDpi = 300,
        };
        using var document = SKDocument.CreatePdf(stream, metadata);
        var writer = new PageWriter(document, $"Deep learning in spine imaging · living scoping review · version {model.Version}", totalPages);
        writer.NewPage(header: false);
        new CoverComponent(contents).Compose(writer, model);
        writer.NewPage();
        foreach (var component in Components) component.Compose(writer, model);
        writer.Finish();
        document.Close();
        return new RenderedReport(stream.ToArray(), writer.PageNumber, writer.Outline, writer.TextLog);
    }
}
