namespace SpineReview.Records;

/// <summary>A full text as a service answered it: the service, the id asked for, the address, and the bytes.</summary>
public sealed record FullTextAnswer(string Source, string Id, string Url, byte[] Body)
{
    /// <summary>The licence address the service gave beside the text (arXiv's metadata), or null when the text carries its own (JATS).</summary>
    public string? LicenceUrl { get; init; }
}

/// <summary>
/// A service that serves the open-access full text of a study (Europe PMC's JATS, arXiv's PDF). Implemented by the sources, used by the
/// charting, which never names a source: a record the service has no open full text for gives null.
/// </summary>
public interface IFullTextSource
{
    /// <summary>The full text of <paramref name="record"/>, or null when the service has none open for it (or is not asked: no identifier it serves).</summary>
    Task<FullTextAnswer?> FetchAsync(BibRecord record, CancellationToken ct);
}
