using Microsoft.Extensions.Logging;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Sources.Crossref;

/// <summary>Fills a record's missing abstract, venue or year from Crossref by its DOI; the raw answer is archived and
/// each filled field is named in <see cref="BibRecord.Enriched"/>.</summary>
public sealed class Enricher(CrossrefClient crossref, RecordStore records, RawArchive archive, TimeProvider time, ILogger<Enricher> log)
{
    /// <summary>The record, enriched and stored again when Crossref had something it lacked; unchanged otherwise.</summary>
    public async Task<BibRecord> EnrichAsync(StoredRecord stored, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var r = stored.Record;
        var lacking = string.IsNullOrWhiteSpace(r.Abstract) || r.Journal is null || r.Year is null;
        if (!crossref.Enabled || r.Doi is null || !lacking || r.Source == "crossref" || r.Enriched.Count > 0) return r;
        (BibRecord Work, byte[] Raw)? found;
        try
        {
            found = await crossref.GetWorkAsync(r.Doi, ct);
        }
        catch (SourceException e)
        {
            // Enrichment is a help, not a gate: the record goes on to screening as it is, and a person sees it.
            log.LogWarning("Crossref enrichment of {Key} failed: {Reason}", stored.Key, e.Message);
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
        await records.UpdateRecordAsync(stored.Key, updated, ct);
        log.LogInformation("Enriched {Key} from Crossref: {Fields}", stored.Key, string.Join(", ", filled));
        return updated;
    }
}
