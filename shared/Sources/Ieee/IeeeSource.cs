using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Sources.Ieee;

/// <summary>IEEE Xplore Metadata API: needs a key; start_record/max_records (at most 200) paging; a daily call budget
/// (200 on a free key) after which the window resumes on a later run from its stored cursor.</summary>
public sealed class IeeeSource(HttpClient http, SourceOptions options, StateStore state, TimeProvider time, ILogger<IeeeSource> log)
    : HttpSource(http, options, time, log), ISource
{
    public string Name => SourceName.Ieee.Name;
    protected override string Label => "IEEE Xplore";
    protected override string DefaultQuery => Queries.Ieee;
    public override string? MissingConfiguration => string.IsNullOrWhiteSpace(Options.ApiKey) ? "IEEE Xplore needs an API key: set Ieee__ApiKey (Key Vault in Azure)" : null;

    public async IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var pageSize = Math.Clamp(Options.PageSize, 1, 200);
        var start = resumeCursor is null ? 1 : int.Parse(resumeCursor, CultureInfo.InvariantCulture);
        while (true)
        {
            if (Options.DailyCallBudget > 0 && !await state.TryTakeDailyCallAsync(Name, DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime), Options.DailyCallBudget, ct))
                throw new QuotaExhaustedException($"IEEE Xplore's daily budget of {Options.DailyCallBudget} calls is spent; the window goes on from record {start} on the next run.");
            var (url, redacted) = BuildUrl(Options.BaseUrl, [("apikey", Options.ApiKey), ("format", "json"), ("querytext", Query),
                ("start_record", start.ToString(CultureInfo.InvariantCulture)), ("max_records", pageSize.ToString(CultureInfo.InvariantCulture)),
                ("start_date", window.From.ToString("yyyyMMdd", CultureInfo.InvariantCulture)), ("end_date", window.To.ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
                ("sort_field", "article_number"), ("sort_order", "asc")], "apikey");
            byte[] raw = [];
            var parsed = await GetParsedAsync(url, redacted, body => { raw = body; using var s = new MemoryStream(body); return IeeeJson.Parse(s); }, ct);
            var next = start + parsed.Records.Count;
            // Only a window's first page reports its total: a resumed window counted it on the run that began it.
            yield return new SourcePage($"search_{start:D6}.json", raw, redacted, start == 1 ? parsed.TotalRecords : 0, parsed.Records,
                ResumeCursor: next.ToString(CultureInfo.InvariantCulture));
            if (parsed.Records.Count == 0 || next > parsed.TotalRecords) yield break;
            start = next;
        }
    }
}
