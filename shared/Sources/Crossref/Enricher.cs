using Microsoft.Extensions.Logging;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Sources.Crossref;

/// <summary>Fills a harvested record's missing abstract, venue or year from Crossref by its DOI, before the record is stored;
/// the raw answer is archived and each filled field is named in <see cref="BibRecord.Enriched"/>.</summary>
public sealed class Enricher(CrossrefClient crossref, RawArchive archive, TimeProvider time, ILogger<Enricher> log)
{
    /// <summary>The record with what Crossref had that it lacked; unchanged when Crossref had nothing, is off, or failed.</summary>
    public async Task<BibRecord> EnrichAsync(BibRecord r, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(r);
        var lacking = string.IsNullOrWhiteSpace(r.Abstract) || r.Journal is null || r.Year is null;
        if (!crossref.Enabled || r.Doi is null || !lacking || r.Source == "crossref" || r.Enriched.Count > 0) return r;
        (BibRecord Work, byte[] Raw)? found;
        try
        {
            found = await crossref.GetWorkAsync(r.Doi, ct);
        }
        catch (SourceException e)
        {
            // Enrichment is a help, not a gate: the record is stored and screened as it is, and a person sees it.
            SourceLog.EnrichmentFailed(log, r.Key, e.Message);
            return r;
        }
        if (found is not { } hit) return r;
        var filled = new List<string>();
        var w = hit.Work;
        var updated = r;
        if (string.IsNullOrWhiteSpace(r.Abstract) && !string.IsNullOrWhiteSpace(w.Abstract))
        {
            updated = updated with { Abstract = w.Abstract, AbstractSections = w.AbstractSections };
            filled.Add("crossref:abstract");
        }
        if (r.Journal is null && w.Journal is not null) { updated = updated with { Journal = w.Journal }; filled.Add("crossref:journal"); }
        if (r.Year is null && w.Year is not null) { updated = updated with { Year = w.Year }; filled.Add("crossref:year"); }
        if (filled.Count == 0) return r;
        updated = updated with { Enriched = filled };
        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await archive.SaveAsync("crossref", stamp, r.Doi.Replace('/', '_') + ".json", hit.Raw, ct);
        SourceLog.Enriched(log, r.Key, string.Join(", ", filled));
        return updated;
    }
}
