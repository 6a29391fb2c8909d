using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using SpineReview.Records;

namespace SpineReview.Sources.PubMed;

/// <summary>PubMed as a source: esearch over an entry-date window (split by date above the 9,999-record cap), then efetch in batches.</summary>
public sealed class PubMedSource(PubMedClient client, IOptions<PubMedOptions> options) : ISource
{
    /// <summary>esearch returns at most this many ids per query; a larger window is split by date.</summary>
    public const int SearchCap = 9999;

    public string Name => SourceName.PubMed.Name;
    public string Query => client.Query;
    public bool Enabled => options.Value.Enabled;
    public string? MissingConfiguration => null;
    public DateOnly StartDate => options.Value.StartDate;

    public async IAsyncEnumerable<SourcePage> SearchAsync(SearchWindow window, string? resumeCursor, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var (search, url, raw) = await client.SearchAsync(window.From, window.To, ct);
        if (search.Count > SearchCap && window.From < window.To)
        {
            var mid = window.From.AddDays((window.To.DayNumber - window.From.DayNumber) / 2);
            await foreach (var page in SearchAsync(new SearchWindow(window.From, mid), null, ct)) yield return page;
            await foreach (var page in SearchAsync(new SearchWindow(mid.AddDays(1), window.To), null, ct)) yield return page;
            yield break;
        }
        var tag = $"{window.From:yyyyMMdd}_{window.To:yyyyMMdd}";
        // PubMed still answers when part of the query matched nothing (PhraseNotFound): the run says so instead of passing in silence.
        var note = search.Warnings.Count > 0 ? $"PubMed warned about the query: {string.Join("; ", search.Warnings)}" : null;
        yield return new SourcePage($"esearch_{tag}.xml", raw, url, search.Count, [], Note: note);
        var batchSize = Math.Clamp(options.Value.BatchSize, 1, 10000);
        for (var start = 0; start < search.Count; start += batchSize)
        {
            var batch = await client.FetchAsync(search, start, batchSize, ct);
            yield return new SourcePage($"efetch_{tag}_{start:D6}.xml", batch.Raw, batch.RequestUrl, 0, batch.Records);
            if (batch.Records.Count == 0) yield break; // a short answer: reconciliation marks the run incomplete
        }
    }
}
