using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SpineReview.Records;

namespace SpineReview.Sources.EuropePmc;

/// <summary>Europe PMC REST search: resultType=core, cursorMark paging, preprints included; window on first index date.</summary>
public sealed class EuropePmcSource(HttpClient http, SourceOptions options, TimeProvider time, ILogger<EuropePmcSource> log)
    : HttpSource(http, options, time, log), ISource
{
    public string Name => SourceName.EuropePmc.Name;
    protected override string Label => "Europe PMC";
    protected override string DefaultQuery => Queries.EuropePmc;

    public async IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var query = $"({Query}) AND (FIRST_IDATE:[{window.From:yyyy-MM-dd} TO {window.To:yyyy-MM-dd}])";
        var cursor = "*";
        for (var page = 1; ; page++)
        {
            var (url, redacted) = BuildUrl(Options.BaseUrl, [("query", query), ("resultType", "core"), ("format", "json"), ("synonym", "false"),
                ("pageSize", Options.PageSize.ToString(CultureInfo.InvariantCulture)), ("cursorMark", cursor), ("email", Options.Email)]);
            byte[] raw = [];
            var parsed = await GetParsedAsync(url, redacted, body => { raw = body; using var s = new MemoryStream(body); return EuropePmcJson.Parse(s); }, ct);
            yield return new SourcePage($"search_{page:D5}.json", raw, redacted, page == 1 ? parsed.HitCount : 0, parsed.Records);
            // The last page repeats the cursor it was asked with (or has none); an empty page ends it too.
            if (parsed.Records.Count == 0 || parsed.NextCursorMark is null || parsed.NextCursorMark == cursor) yield break;
            cursor = parsed.NextCursorMark;
        }
    }
}
