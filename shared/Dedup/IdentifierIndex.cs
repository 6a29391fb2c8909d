using Azure;
using Azure.Data.Tables;
using SpineReview.Records;
using SpineReview.Storage;

namespace SpineReview.Dedup;

/// <summary>The identifier index: each PMID, DOI, PMCID and arXiv id points at the record kept for it, so an incoming record
/// that shares one is linked with a point read per identifier, never a scan.</summary>
public sealed class IdentifierIndex(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.IdentifiersTable);

    /// <summary>A record's identifiers as (kind, normalised value), in the order they are looked up.</summary>
    public static IEnumerable<(string Kind, string Value)> Of(BibRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (!string.IsNullOrEmpty(record.Pmid)) yield return ("pmid", record.Pmid!);
        if (!string.IsNullOrEmpty(record.Doi)) yield return ("doi", record.Doi!);
        if (!string.IsNullOrEmpty(record.Pmcid)) yield return ("pmcid", record.Pmcid!);
        if (Identifiers.NormaliseArxivId(record.ArxivId) is { } arxiv) yield return ("arxiv", arxiv);
    }

    /// <summary>The first of the record's identifiers that points at another record than <paramref name="key"/>, with its kind; null when none does.</summary>
    public async Task<(string Kind, string RecordKey)?> FindOtherAsync(BibRecord record, string key, CancellationToken ct)
    {
        foreach (var (kind, value) in Of(record))
        {
            var hit = await Table.GetEntityIfExistsAsync<TableEntity>(kind, KeyEncoding.Encode(value), cancellationToken: ct);
            if (hit.HasValue && hit.Value!.GetString("RecordKey") is { } other && other != key) return (kind, other);
        }
        return null;
    }

    /// <summary>Points the record's identifiers at <paramref name="key"/> where no record holds them yet (insert-only: the record
    /// stored first keeps an identifier, whichever of two concurrent runs gets there first).</summary>
    public async Task AddAsync(BibRecord record, string key, CancellationToken ct)
    {
        foreach (var (kind, value) in Of(record))
        {
            var row = new TableEntity(kind, KeyEncoding.Encode(value)) { ["RecordKey"] = key };
            try
            {
                await Table.AddEntityAsync(row, ct);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                // The identifier already points at a kept record (this one, or one stored first): keep it.
            }
        }
    }

    /// <summary>Points the record's identifiers at <paramref name="studyKey"/>, replacing what they pointed at (a person's merge).</summary>
    public async Task PointAtAsync(BibRecord record, string studyKey, CancellationToken ct)
    {
        foreach (var (kind, value) in Of(record))
            await Table.UpsertEntityAsync(new TableEntity(kind, KeyEncoding.Encode(value)) { ["RecordKey"] = studyKey }, TableUpdateMode.Replace, ct);
    }
}
