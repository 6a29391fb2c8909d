namespace SpineReview.Extraction.FullText;

/// <summary>A kept or fetched full text read by its format: a PDF (arXiv) by <see cref="PdfFullText"/>, anything else as JATS.</summary>
public static class FullTextDocument
{
    /// <summary>The document; <paramref name="licenceUrl"/> is the licence the service gave beside a PDF (JATS carries its own).</summary>
    /// <exception cref="FormatException">The bytes are neither a readable PDF nor a JATS article; the message says what was wrong.</exception>
    public static JatsDocument Read(byte[] body, string? licenceUrl = null) =>
        PdfFullText.IsPdf(body) ? PdfFullText.Parse(body, licenceUrl) : JatsParser.Parse(body);
}
