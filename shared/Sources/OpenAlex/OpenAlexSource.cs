using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SpineReview.Records;

namespace SpineReview.Sources.OpenAlex;

/// <summary>OpenAlex works: search plus a publication-date filter, cursor paging, api_key or mailto from settings.</summary>
public sealed class OpenAlexSource(HttpClient http, SourceOptions options, TimeProvider time, ILogger<OpenAlexSource> log)
    : HttpSource(http, options, time, log), ISource
{
    public string Name => SourceName.OpenAlex.Name;
    protected override string Label => "OpenAlex";
    protected override string DefaultQuery => Queries.OpenAlex;

    /// <summary>Identifiers OR-ed in one filter (OpenAlex takes up to 100; 50 keeps the address short).</summary>
    public const int FilterBatch = 50;

    /// <summary>The works with these DOIs (<paramref name="by"/> "doi") or PMIDs ("pmid"), in one request, with their <c>is_retracted</c>
    /// flag; a value OpenAlex does not know is simply not in the answer.</summary>
    public async Task<IReadOnlyList<OpenAlexRetraction>> RetractionsAsync(string by, IReadOnlyCollection<string> values, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (by is not ("doi" or "pmid")) throw new ArgumentException($"OpenAlex works are looked up by \"doi\" or \"pmid\" here, not \"{by}\".", nameof(by));
        if (values.Count is 0) return [];
        if (values.Count > FilterBatch) throw new ArgumentException($"At most {FilterBatch} values fit one OpenAlex filter; {values.Count} were given.", nameof(values));
        var (url, redacted) = BuildUrl(Options.BaseUrl, [("filter", $"{by}:{string.Join('|', values)}"), ("select", "id,doi,ids,is_retracted"),
            ("per-page", FilterBatch.ToString(CultureInfo.InvariantCulture)), ("mailto", Options.Email), ("api_key", Options.ApiKey)], "api_key");
        return await GetParsedAsync(url, redacted, body => { using var s = new MemoryStream(body); return OpenAlexJson.Retractions(s); }, ct);
    }

    public async IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var filter = $"from_publication_date:{window.From:yyyy-MM-dd},to_publication_date:{window.To:yyyy-MM-dd}";
        var cursor = "*";
        for (var page = 1; ; page++)
        {
            var (url, redacted) = BuildUrl(Options.BaseUrl, [("search", Query), ("filter", filter),
                ("per-page", Math.Min(Options.PageSize, 200).ToString(CultureInfo.InvariantCulture)), ("cursor", cursor),
                ("mailto", Options.Email), ("api_key", Options.ApiKey)], "api_key");
            byte[] raw = [];
            var parsed = await GetParsedAsync(url, redacted, body => { raw = body; using var s = new MemoryStream(body); return OpenAlexJson.Parse(s); }, ct);
            yield return new SourcePage($"works_{page:D5}.json", raw, redacted, page == 1 ? parsed.Count : 0, parsed.Records);
            if (parsed.Records.Count == 0 || parsed.NextCursor is null) yield break;
            cursor = parsed.NextCursor;
        }
    }
}
