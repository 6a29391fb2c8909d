using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SpineReview.Records;
using SpineReview.Screening;
using SpineReview.Screening.People;
using SpineReview.Sources;
using SpineReview.Sources.OpenAlex;

namespace SpineReview.Living;

/// <summary>Citation searching (PRISMA-S item 5) through OpenAlex, as source "citations": for every included study, the works it
/// references (backward: its <c>referenced_works</c>) and the works that cite it (forward: <c>filter=cites:</c>). The harvester runs
/// it like any source, so each run is one search-log row, its answers are archived, and its records are deduplicated and screened
/// like any other; the report counts them under "other methods". It takes OpenAlex's settings (address, mailto, api_key) and
/// shares OpenAlex's rate limit, but not its query: there is none, the included studies are the query.</summary>
public sealed class CitationSource : HttpSource, ISource
{
    /// <summary>Values OR-ed in one filter (OpenAlex takes up to 100; 50 keeps the address short).</summary>
    public const int Batch = 50;

    /// <summary>The named HTTP client (its own meter and replay folder; OpenAlex's rate gate).</summary>
    public const string Client = "citations";

    private readonly ScreeningStore _screening;
    private readonly RecordStore _records;
    private int _included = -1;

    public CitationSource(IHttpClientFactory clients, IOptionsMonitor<SourceOptions> options, ScreeningStore screening, RecordStore records, TimeProvider time,
        ILogger<CitationSource> log)
        : base(Clients(clients), WithoutQuery(OpenAlexOptions(options)), time, log) => (_screening, _records) = (screening, records);

    private static HttpClient Clients(IHttpClientFactory clients)
    {
        ArgumentNullException.ThrowIfNull(clients);
        return clients.CreateClient(Client);
    }

    private static SourceOptions OpenAlexOptions(IOptionsMonitor<SourceOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Get(SourceName.OpenAlex.Name);
    }

    // OpenAlex's search query is not this source's: the log must say what citation searching asked for.
    private static SourceOptions WithoutQuery(SourceOptions o) => new()
    {
        Enabled = o.Enabled, BaseUrl = o.BaseUrl, ApiKey = o.ApiKey, Email = o.Email, PageSize = o.PageSize, RequestsPerSecond = o.RequestsPerSecond, StartDate = o.StartDate,
        MaxRetries = o.MaxRetries, RetryDelaySeconds = o.RetryDelaySeconds, TimeoutSeconds = o.TimeoutSeconds,
    };

    public string Name => SourceName.Citations.Name;
    protected override string Label => "OpenAlex (citations)";

    /// <summary>What the search log keeps as this search's query.</summary>
    protected override string DefaultQuery => _included < 0
        ? "backward (referenced_works) and forward (filter=cites:) citations of the included studies, through OpenAlex"
        : $"backward (referenced_works) and forward (filter=cites:) citations of {(_included == 1 ? "the 1 included study" : $"the {_included.ToString(CultureInfo.InvariantCulture)} included studies")}, through OpenAlex";

    /// <summary>The window is not used: every run follows the citations of every study included now (a study included today has
    /// citing works from years ago); works stored by an earlier run are "already stored" and cost one read.</summary>
    public async IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, [EnumeratorCancellation] CancellationToken ct)
    {
        var included = await IncludedAsync(ct);
        _included = included.Count;
        var part = 0;
        string Part(string kind) => $"{kind}_{++part:D5}.json";

        // 1. The included studies in OpenAlex, by id where a record came from OpenAlex, else by DOI, else by PMID.
        var found = new Dictionary<string, OpenAlexLinks>(StringComparer.Ordinal);
        foreach (var (kind, values) in new[] { ("openalex", included.Select(s => s.OpenAlexId)), ("doi", included.Where(s => s.OpenAlexId is null).Select(s => s.Doi)),
                     ("pmid", included.Where(s => s.OpenAlexId is null && s.Doi is null).Select(s => s.Pmid)) })
        {
            foreach (var batch in values.OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).Chunk(Batch))
            {
                var (url, redacted) = Url($"{kind}:{string.Join('|', batch)}", "id,doi,ids,referenced_works", null, Batch);
                byte[] raw = [];
                var links = await GetParsedAsync(url, redacted, body => { raw = body; using var s = new MemoryStream(body); return OpenAlexJson.Links(s); }, ct);
                foreach (var l in links) found.TryAdd(l.Id, l);
                // The included works themselves are not new records: the answer is archived, nothing is counted.
                yield return new SourcePage(Part("included"), raw, redacted, 0, []);
            }
        }
        var studies = found.Keys.Order(StringComparer.Ordinal).ToList();
        var missing = included.Where(s => !(s.OpenAlexId is { } id && found.ContainsKey(id))
                                          && !found.Values.Any(l => (s.Doi is not null && string.Equals(l.Doi, s.Doi, StringComparison.OrdinalIgnoreCase)) || (s.Pmid is not null && l.Pmid == s.Pmid)))
            .Select(s => s.Key).ToList();
        if (missing.Count > 0)
        {
            // Said in the search log: their citations were not followed, and a person may look for them by hand.
            var note = $"{missing.Count} of {included.Count} included studies not found in OpenAlex (their citations were not followed): " +
                       string.Join(", ", missing.Take(10)) + (missing.Count > 10 ? ", ..." : "");
            yield return new SourcePage(Part("included"), [], "", 0, [], Note: note);
        }

        // 2. Backward: every work an included study references, each fetched once, the included ones left out.
        var referenced = found.Values.SelectMany(l => l.ReferencedWorks).Distinct(StringComparer.Ordinal).Where(id => !found.ContainsKey(id)).Order(StringComparer.Ordinal);
        foreach (var batch in referenced.Chunk(Batch))
        {
            var (url, redacted) = Url($"openalex:{string.Join('|', batch)}", null, null, Batch);
            var (raw, page) = await PageAsync(url, redacted, ct);
            yield return new SourcePage(Part("references"), raw, redacted, page.Count, Citing(page, found));
        }

        // 3. Forward: the works citing any included study, cursor-paged.
        foreach (var batch in studies.Chunk(Batch))
        {
            var cursor = "*";
            for (var first = true; ; first = false)
            {
                var (url, redacted) = Url($"cites:{string.Join('|', batch)}", null, cursor, Math.Clamp(Options.PageSize, 1, 200));
                var (raw, page) = await PageAsync(url, redacted, ct);
                yield return new SourcePage(Part("citing"), raw, redacted, first ? page.Count : 0, Citing(page, found));
                if (page.Records.Count == 0 || page.NextCursor is null) break;
                cursor = page.NextCursor;
            }
        }
    }

    // A filter of at most one batch of ids answers in one page of that size; the citing works of a batch may run over many pages.
    private (string Url, string Redacted) Url(string filter, string? select, string? cursor, int perPage) =>
        BuildUrl(Options.BaseUrl, [("filter", filter), ("select", select), ("per-page", perPage.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor),
            ("mailto", Options.Email), ("api_key", Options.ApiKey)], "api_key");

    private async Task<(byte[] Raw, OpenAlexPage Page)> PageAsync(string url, string redacted, CancellationToken ct)
    {
        byte[] raw = [];
        var page = await GetParsedAsync(url, redacted, body => { raw = body; using var s = new MemoryStream(body); return OpenAlexJson.Parse(s); }, ct);
        return (raw, page);
    }

    // OpenAlex works stored as this source's records; an included study that cites another is not found again as a citing work.
    private static List<BibRecord> Citing(OpenAlexPage page, Dictionary<string, OpenAlexLinks> included) =>
        page.Records.Where(r => !included.ContainsKey(r.SourceId)).Select(r => r with { Source = SourceName.Citations.Name }).ToList();

    private sealed record Study(string Key, string? OpenAlexId, string? Doi, string? Pmid);

    // The studies included now (final, included by people) with the identifiers OpenAlex can be asked by; an OpenAlex id from the
    // study's record or any record linked to it as its duplicate.
    private async Task<List<Study>> IncludedAsync(CancellationToken ct)
    {
        var list = new List<Study>();
        foreach (var q in (await _screening.ListQueueAsync(ScreeningStatus.Final, ct)).Where(q => q.Included == true).OrderBy(q => q.RecordKey, StringComparer.Ordinal))
        {
            if (await _records.GetAsync(q.RecordKey, ct) is not { } stored) continue;
            var all = new List<BibRecord> { stored.Record };
            await foreach (var linked in _records.ListLinkedToAsync(q.RecordKey, ct)) all.Add(linked.Record);
            var openAlex = all.FirstOrDefault(r => r.Source == SourceName.OpenAlex.Name || r.Source == SourceName.Citations.Name)?.SourceId;
            list.Add(new Study(q.RecordKey, openAlex, all.Select(r => r.Doi).FirstOrDefault(d => d is not null), all.Select(r => r.Pmid).FirstOrDefault(p => p is not null)));
        }
        return list;
    }
}
