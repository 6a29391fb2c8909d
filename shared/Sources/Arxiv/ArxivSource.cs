using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SpineReview.Records;

namespace SpineReview.Sources.Arxiv;

/// <summary>arXiv API: Atom, the imaging and learning categories, start/max_results paging, one request per 3 s.</summary>
public sealed class ArxivSource(HttpClient http, SourceOptions options, TimeProvider time, ILogger<ArxivSource> log)
    : HttpSource(http, options, time, log), ISource
{
    public string Name => SourceName.Arxiv.Name;
    protected override string Label => "arXiv";
    protected override string DefaultQuery => Queries.Arxiv;

    public async IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var query = $"({Query}) AND submittedDate:[{window.From:yyyyMMdd}0000 TO {window.To:yyyyMMdd}2359]";
        var start = 0;
        for (var page = 1; ; page++)
        {
            var (url, redacted) = BuildUrl(Options.BaseUrl, [("search_query", query), ("start", start.ToString(CultureInfo.InvariantCulture)),
                ("max_results", Options.PageSize.ToString(CultureInfo.InvariantCulture)), ("sortBy", "submittedDate"), ("sortOrder", "ascending")]);
            byte[] raw = [];
            var parsed = await GetParsedAsync(url, redacted, body => { raw = body; using var s = new MemoryStream(body); return ArxivAtom.Parse(s); }, ct);
            yield return new SourcePage($"query_{start:D6}.atom.xml", raw, redacted, page == 1 ? parsed.TotalResults : 0, parsed.Records);
            start += parsed.Records.Count;
            if (parsed.Records.Count == 0 || start >= parsed.TotalResults) yield break;
        }
    }
}
