using Microsoft.Extensions.Logging;
using SpineReview.Records;

namespace SpineReview.Sources.EuropePmc;

/// <summary>
/// Europe PMC's open-access full texts as JATS (/{source}/{id}/fullTextXML), asked only for a record that is in PMC (it has a
/// PMCID): Europe PMC serves the full text of its open-access subset and answers 404 for the rest, which is "none". Shares the
/// Europe PMC client, so its rate gate and retries.
/// </summary>
public sealed class EuropePmcFullText(HttpClient http, SourceOptions options, TimeProvider time, ILogger<EuropePmcFullText> log)
    : HttpSource(http, options, time, log), IFullTextSource
{
    protected override string Label => "Europe PMC full text";

    public async Task<FullTextAnswer?> FetchAsync(BibRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!Options.Enabled || record.Pmcid is not { Length: > 0 } pmcid) return null;
        var url = $"{RestBase(Options.BaseUrl)}/PMC/{Uri.EscapeDataString(pmcid)}/fullTextXML";
        var body = await GetParsedAsync(url, url, bytes => bytes, ct, notFoundIsDefault: true);
        return body is null || body.Length == 0 ? null : new FullTextAnswer(SourceName.EuropePmc.Name, pmcid, url, body);
    }

    // The search's address ends in /search; the full texts sit beside it under the same REST root.
    private static string RestBase(string searchUrl)
    {
        var root = searchUrl.Split('?')[0].TrimEnd('/');
        return root.EndsWith("/search", StringComparison.Ordinal) ? root[..^"/search".Length] : root;
    }
}
