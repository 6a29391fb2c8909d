using Microsoft.Extensions.Logging;
using SpineReview.Records;

namespace SpineReview.Sources.Crossref;

/// <summary>Crossref works by DOI, for enrichment (polite pool with mailto; its x-rate-limit headers are honoured by the client's handlers).</summary>
public sealed class CrossrefClient(HttpClient http, SourceOptions options, TimeProvider time, ILogger<CrossrefClient> log)
    : HttpSource(http, options, time, log)
{
    protected override string Label => "Crossref";

    /// <summary>The work registered for a DOI, with the raw answer; null when Crossref does not know the DOI.</summary>
    public async Task<(BibRecord Work, byte[] Raw)?> GetWorkAsync(string doi, CancellationToken ct)
    {
        var (url, redacted) = BuildUrl($"{Options.BaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(doi)}", [("mailto", Options.Email)]);
        // One GET: a 404 (a DOI Crossref does not know) is an answer, anything else is parsed.
        return await GetParsedAsync(url, redacted, body =>
        {
            using var s = new MemoryStream(body);
            var works = CrossrefJson.Parse(s);
            var work = works.Count > 0 ? works[0] : throw new SourceException($"Crossref answer for {doi} holds no work.");
            return ((BibRecord Work, byte[] Raw)?)(work, body);
        }, ct, notFoundIsDefault: true);
    }
}
