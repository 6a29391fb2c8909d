using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Configuration;
using SpineReview.Records;

namespace SpineReview.Sources.PubMed;

/// <summary>One efetch answer: the bytes as received (for the archive) and the records parsed from them.</summary>
public sealed record PubMedBatch(int Start, byte[] Raw, IReadOnlyList<BibRecord> Records, string RequestUrl);

/// <summary>Typed HttpClient for NCBI E-utilities: esearch with the history server, then efetch in batches.</summary>
public sealed class PubMedClient(HttpClient http, IOptions<PubMedOptions> options, TimeProvider time, ILogger<PubMedClient> log)
{
    private readonly PubMedOptions _options = options.Value;

    /// <summary>The effective query (setting PubMed:Query, or the protocol's concept blocks).</summary>
    public string Query => string.IsNullOrWhiteSpace(_options.Query) ? PubMedQuery.Default : _options.Query!;

    /// <summary>Searches records entered (Entrez date) from <paramref name="from"/> to <paramref name="to"/>, inclusive; keeps them on the history server.</summary>
    public async Task<(ESearchResult Result, string Url, byte[] Raw)> SearchAsync(DateOnly from, DateOnly to, CancellationToken ct)
    {
        var parameters = new List<(string, string)>
        {
            ("db", "pubmed"), ("term", Query), ("usehistory", "y"), ("retmax", "0"),
            ("datetype", "edat"), ("mindate", Date(from)), ("maxdate", Date(to)),
        };
        return await WithContentRetriesAsync("esearch.fcgi", parameters, (bytes, url) =>
        {
            using var ms = new MemoryStream(bytes, writable: false);
            return (PubMedXml.ParseESearch(ms), url, bytes);
        }, ct);
    }

    /// <summary>Fetches records [start, start+count) of a search kept on the history server.</summary>
    public async Task<PubMedBatch> FetchAsync(ESearchResult search, int start, int count, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        if (search.WebEnv is null || search.QueryKey is null)
            throw new SourceException("PubMed esearch returned no WebEnv/QueryKey; the history server could not keep the result.");
        var parameters = new List<(string, string)>
        {
            ("db", "pubmed"), ("query_key", search.QueryKey), ("WebEnv", search.WebEnv),
            ("retstart", start.ToString(CultureInfo.InvariantCulture)), ("retmax", count.ToString(CultureInfo.InvariantCulture)),
            ("rettype", "abstract"), ("retmode", "xml"),
        };
        return await WithContentRetriesAsync("efetch.fcgi", parameters, (bytes, url) =>
        {
            using var ms = new MemoryStream(bytes, writable: false);
            return new PubMedBatch(start, bytes, PubMedXml.ParseEFetch(ms).ToList(), url);
        }, ct);
    }

    // HTTP faults (429 with Retry-After, 5xx, timeouts) are retried by the resilience handler of the typed client.
    // An error document or XML cut short arrives with HTTP 200, so the answer is parsed inside this loop and
    // the call is made again with backoff when it cannot be used.
    private async Task<T> WithContentRetriesAsync<T>(string endpoint, List<(string Key, string Value)> parameters, Func<byte[], string, T> parse, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var (bytes, url) = await GetAsync(endpoint, parameters, ct);
                return parse(bytes, url);
            }
            catch (SourceException e) when (attempt < _options.MaxRetries && (e.Transient || e.InnerException is not HttpRequestException))
            {
                log.LogWarning("PubMed {Endpoint} gave an unusable answer ({Reason}); retry {Attempt} of {Max}", endpoint, e.Message, attempt + 1, _options.MaxRetries);
                await Task.Delay(TimeSpan.FromSeconds(_options.RetryDelaySeconds * Math.Pow(2, attempt)), time, ct);
            }
            catch (SourceException e)
            {
                throw new SourceException(Redact($"{e.Message} (after {attempt + 1} attempts; run again later: nothing of this window was kept as complete)"), e);
            }
        }
    }

    private async Task<(byte[] Body, string RedactedUrl)> GetAsync(string endpoint, List<(string Key, string Value)> parameters, CancellationToken ct)
    {
        var url = BuildUrl(endpoint, parameters, redact: false);
        try
        {
            using var response = await http.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute), HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                // NCBI's 429 body echoes the API key: never let it into a message.
                var body = Redact(await ReadSnippetAsync(response, ct));
                throw new SourceException($"PubMed {endpoint} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase} after retries: {body}. Run again later.",
                    new HttpRequestException(response.ReasonPhrase), transient: false);
            }
            try
            {
                // The resilience handler covers the wait for headers; a body cut off in transit is retried by the caller.
                using var bodyTimeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                bodyTimeout.CancelAfter(TimeSpan.FromSeconds(_options.TimeoutSeconds));
                return (await response.Content.ReadAsByteArrayAsync(bodyTimeout.Token), BuildUrl(endpoint, parameters, redact: true));
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is IOException or HttpRequestException or OperationCanceledException)
            {
                throw new SourceException($"PubMed {endpoint} answer was cut off while it was read ({e.Message}).", e, transient: true);
            }
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is HttpRequestException or TaskCanceledException or TimeoutException
                                  or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            throw new SourceException($"PubMed {endpoint} could not be reached ({e.Message}). Check the network and setting PubMed:BaseUrl, then run again.", e, transient: false);
        }
    }

    private string Redact(string text) =>
        string.IsNullOrEmpty(_options.ApiKey) ? text : text.Replace(_options.ApiKey, "***", StringComparison.Ordinal);

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct);
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length > 200 ? text[..200] + "…" : text;
    }

    private string BuildUrl(string endpoint, List<(string Key, string Value)> parameters, bool redact)
    {
        var all = new List<(string Key, string Value)>(parameters) { ("tool", _options.Tool) };
        if (!string.IsNullOrWhiteSpace(_options.Email)) all.Add(("email", _options.Email!));
        if (!string.IsNullOrWhiteSpace(_options.ApiKey)) all.Add(("api_key", redact ? "***" : _options.ApiKey!));
        var query = string.Join("&", all.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        return $"{_options.BaseUrl.TrimEnd('/')}/{endpoint}?{query}";
    }

    private static string Date(DateOnly d) => d.ToString("yyyy/MM/dd", CultureInfo.InvariantCulture);
}
