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

/// <summary>Which licences let a full text be kept and read: the one rule every full-text service and reader applies.</summary>
public static class OpenLicences
{
    /// <summary>Whether a licence address is a Creative Commons licence or public-domain dedication, on Creative Commons' own host
    /// (not a look-alike host, and not its name anywhere else in the address).</summary>
    public static bool IsCreativeCommons(string? licenceUrl) =>
        Uri.TryCreate(licenceUrl?.Trim(), UriKind.Absolute, out var u) && u.Scheme is "http" or "https"
        && (u.Host.Equals("creativecommons.org", StringComparison.OrdinalIgnoreCase) || u.Host.EndsWith(".creativecommons.org", StringComparison.OrdinalIgnoreCase))
        && (u.AbsolutePath.StartsWith("/licenses/", StringComparison.OrdinalIgnoreCase) || u.AbsolutePath.StartsWith("/publicdomain/zero/", StringComparison.OrdinalIgnoreCase));
}
