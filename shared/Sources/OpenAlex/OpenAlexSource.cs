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
