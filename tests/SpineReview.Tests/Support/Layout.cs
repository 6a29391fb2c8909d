using SpineReview.Reporting;
using Xunit;

namespace SpineReview.Tests.Support;

/// <summary>Checks on the text extents the page writer records: each line inside its box, and inside the page's content area.</summary>
internal static class Layout
{
    /// <summary>
    /// Every line stays inside its box (both ways, half a point of tolerance) and on the page; every line of content (not the
    /// running header or footer, not the cover) stays between the header and the footer.
    /// </summary>
    public static void AssertContained(RenderedReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        foreach (var (page, text, box, bounds) in report.TextLog)
        {
            Assert.True(bounds.Left >= box.Left - 0.5f && bounds.Right <= box.Right + 0.5f, $"page {page}: \"{text}\" runs out of its box sideways ({bounds.Left:0.0}-{bounds.Right:0.0} outside {box.Left:0.0}-{box.Right:0.0})");
            Assert.True(bounds.Top >= box.Top - 0.5f && bounds.Bottom <= box.Bottom + 0.5f, $"page {page}: \"{text}\" runs out of its box up or down ({bounds.Top:0.0}-{bounds.Bottom:0.0} outside {box.Top:0.0}-{box.Bottom:0.0})");
            Assert.True(bounds.Left >= 0 && bounds.Top >= 0 && bounds.Right <= PageWriter.PageWidth && bounds.Bottom <= PageWriter.PageHeight, $"page {page}: \"{text}\" leaves the page");
            var runningHeader = box.Bottom <= PageWriter.Margin + PageWriter.HeaderHeight + 0.5f;
            var runningFooter = box.Top >= PageWriter.PageHeight - PageWriter.Margin - 12.5f;
            if (page == 1 || runningHeader || runningFooter) continue;
            var top = PageWriter.Margin + PageWriter.HeaderHeight;
            var bottom = PageWriter.PageHeight - PageWriter.Margin - PageWriter.FooterHeight;
            Assert.True(bounds.Top >= top - 0.5f && bounds.Bottom <= bottom + 0.5f, $"page {page}: \"{text}\" runs into the running header or footer ({bounds.Top:0.0}-{bounds.Bottom:0.0}, content {top:0.0}-{bottom:0.0})");
        }
    }
}
