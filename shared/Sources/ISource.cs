using SpineReview.Records;

namespace SpineReview.Sources;

/// <summary>An entry-date (or publication-date) window, both ends inclusive.</summary>
public sealed record SearchWindow(DateOnly From, DateOnly To);

/// <summary>One answer of a source: its bytes (archived as received), the records in it, and how to go on.</summary>
/// <param name="Part">Name of the archived blob within the run.</param>
/// <param name="ReportedDelta">What this answer adds to the total the source says it holds for the window (the first page's total; PubMed: each esearch).</param>
/// <param name="ResumeCursor">Where a later run continues after this page, for sources that can resume (IEEE).</param>
/// <param name="Note">Something a person should know about this answer (e.g. a query term the source did not find).</param>
public sealed record SourcePage(string Part, byte[] Raw, string RequestUrl, int ReportedDelta, IReadOnlyList<BibRecord> Records, string? ResumeCursor = null, string? Note = null);

/// <summary>A bibliographic source that can be searched over a window, page by page.</summary>
public interface ISource
{
    /// <summary>Short name: pubmed, ieee, europepmc, arxiv, openalex.</summary>
    string Name { get; }
    /// <summary>The query sent, in the source's own syntax.</summary>
    string Query { get; }
    /// <summary>Whether the harvest includes this source (setting ...__Enabled).</summary>
    bool Enabled { get; }
    /// <summary>Null when the source can run; otherwise what setting is missing.</summary>
    string? MissingConfiguration { get; }
    /// <summary>First date searched when nothing has been harvested yet.</summary>
    DateOnly StartDate { get; }
    /// <summary>Pages of the window in order; <paramref name="resumeCursor"/> continues a window a quota cut short.</summary>
    IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, CancellationToken ct);
}

/// <summary>A source's daily call budget is spent; the window goes on in a later run from its stored cursor.</summary>
public sealed class QuotaExhaustedException : Exception
{
    public QuotaExhaustedException() { }
    public QuotaExhaustedException(string message) : base(message) { }
    public QuotaExhaustedException(string message, Exception inner) : base(message, inner) { }
}
