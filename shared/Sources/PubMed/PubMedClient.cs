using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Records;

namespace SpineReview.Sources.PubMed;

/// <summary>One efetch answer: the bytes as received (for the archive) and the records parsed from them.</summary>
public sealed record PubMedBatch(int Start, byte[] Raw, IReadOnlyList<BibRecord> Records, string RequestUrl);

/// <summary>Typed HttpClient for NCBI E-utilities: esearch with the history server, then efetch in batches.
/// Retries of unusable answers, body-read faults and key redaction come from <see cref="HttpSource"/>.</summary>
public sealed class PubMedClient(HttpClient http, IOptions<PubMedOptions> options, TimeProvider time, ILogger<PubMedClient> log)
    : HttpSource(http, options.Value.ToSourceOptions(), time, log)
{
    private readonly PubMedOptions _options = options.Value;

    protected override string Label => "PubMed";
    protected override string DefaultQuery => PubMedQuery.Default;

    /// <summary>Searches records entered (Entrez date) from <paramref name="from"/> to <paramref name="to"/>, inclusive; keeps them on the history server.</summary>
    public async Task<(ESearchResult Result, string Url, byte[] Raw)> SearchAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var (url, redacted) = Url("esearch.fcgi",
        [
            ("db", "pubmed"), ("term", Query), ("usehistory", "y"), ("retmax", "0"),
            ("datetype", "edat"), ("mindate", Date(from)), ("maxdate", Date(to)),
        ]);
        return await GetParsedAsync(url, redacted, bytes =>
        {
            using var ms = new MemoryStream(bytes, writable: false);
            return (PubMedXml.ParseESearch(ms), redacted, bytes);
        }, ct);
    }

    /// <summary>Fetches records [start, start+count) of a search kept on the history server.</summary>
    public async Task<PubMedBatch> FetchAsync(ESearchResult search, int start, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.WebEnv is null || search.QueryKey is null)
            throw new SourceException("PubMed esearch returned no WebEnv/QueryKey; the history server could not keep the result.");
        var (url, redacted) = Url("efetch.fcgi",
        [
            ("db", "pubmed"), ("query_key", search.QueryKey), ("WebEnv", search.WebEnv),
            ("retstart", start.ToString(CultureInfo.InvariantCulture)), ("retmax", count.ToString(CultureInfo.InvariantCulture)),
            ("rettype", "abstract"), ("retmode", "xml"),
        ]);
        return await GetParsedAsync(url, redacted, bytes =>
        {
            return new PubMedBatch(start, bytes, PubMedXml.ParseEFetch(bytes, 0, bytes.Length).ToList(), redacted);
        }, ct);
    }

    /// <summary>The notices PubMed links to the articles with these PMIDs (one efetch by id; the caller keeps a batch within
    /// setting PubMed:BatchSize, which NCBI serves in one GET).</summary>
    public async Task<IReadOnlyList<PubMedArticleNotices>> FetchNoticesAsync(IReadOnlyCollection<string> pmids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pmids);
        if (pmids.Count == 0) return [];
        var (url, redacted) = Url("efetch.fcgi", [("db", "pubmed"), ("id", string.Join(',', pmids)), ("rettype", "abstract"), ("retmode", "xml")]);
        return await GetParsedAsync(url, redacted, PubMedNotices.Parse, ct);
    }

    // NCBI asks every caller for tool and email; the key raises the limit and is never written out.
    private (string Url, string Redacted) Url(string endpoint, (string Key, string? Value)[] parameters) =>
        BuildUrl($"{_options.BaseUrl.TrimEnd('/')}/{endpoint}",
            [.. parameters, ("tool", _options.Tool), ("email", _options.Email), ("api_key", _options.ApiKey)], "api_key");

    private static string Date(DateOnly d) => d.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);
}
