using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Extraction;

/// <summary>A person's correction of one field: the values they set, who and when. It wins over the automatic values.</summary>
public sealed record Correction(IReadOnlyList<string> Values, string By, DateTimeOffset At, string? Note);

/// <summary>One stored field: the automatic values with evidence, and a person's correction when there is one.</summary>
public sealed record StoredField(ExtractedField Automatic, Correction? Correction)
{
    /// <summary>The values the review uses: the correction when a person made one, else the automatic values.</summary>
    public IReadOnlyList<string> Effective => Correction?.Values ?? Automatic.Distinct.ToList();
}

/// <summary>
/// Extracted values, one row per (record, field), each with its evidence and extractor version; a person's correction is
/// kept in its own columns of the same row, which automatic extraction never writes, so re-extraction cannot lose it.
/// </summary>
public sealed class ExtractionStore(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.ExtractionsTable);

    public async Task SaveAsync(string recordKey, IEnumerable<ExtractedField> fields, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fields);
        // One partition per record: the whole set of fields lands in one transaction or not at all. Merge: a person's
        // correction columns on the same rows stay as they are.
        var actions = fields.Select(f => new TableTransactionAction(TableTransactionActionType.UpsertMerge, new TableEntity(recordKey, f.Field)
        {
            ["Values"] = JsonSerializer.Serialize(f.Values, ExtractionJson.Default.IReadOnlyListExtractedValue),
            ["ExtractorVersion"] = f.ExtractorVersion,
            ["Basis"] = f.Basis,
            ["ExtractedAt"] = now,
        })).ToList();
        foreach (var chunk in actions.Chunk(100)) await Table.SubmitTransactionAsync(chunk, ct);
    }

    /// <summary>Stores the forms of many records: each record's fields in one transaction (its own partition, which keeps a person's
    /// corrections beside the values), a few records at a time.</summary>
    public async Task SaveManyAsync(IReadOnlyList<(string RecordKey, IReadOnlyList<ExtractedField> Fields)> forms, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(forms);
        await Parallel.ForEachAsync(forms, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct },
            async (form, token) => await SaveAsync(form.RecordKey, form.Fields, now, token));
    }

    /// <summary>Stores a person's correction of one field (an empty list says "none of these"); it survives re-extraction.</summary>
    public Task CorrectAsync(string recordKey, string field, Correction correction, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(correction);
        return Table.UpsertEntityAsync(new TableEntity(recordKey, field)
        {
            ["CorrectedValues"] = JsonSerializer.Serialize(correction.Values, ExtractionJson.Default.IReadOnlyListString),
            ["CorrectedBy"] = correction.By,
            ["CorrectedAt"] = correction.At,
            // Never null: a merge leaves a null column as it was, which would keep an earlier reviewer's note.
            ["CorrectionNote"] = correction.Note ?? "",
        }, TableUpdateMode.Merge, ct);
    }

    /// <summary>One record's stored fields, by field name.</summary>
    public async Task<Dictionary<string, StoredField>> GetAsync(string recordKey, CancellationToken ct)
    {
        var fields = new Dictionary<string, StoredField>(StringComparer.Ordinal);
        await foreach (var e in Table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {recordKey}"), cancellationToken: ct))
            fields[e.RowKey] = ToStored(e);
        return fields;
    }

    /// <summary>Every stored field of every record, grouped by record key.</summary>
    public async Task<Dictionary<string, List<StoredField>>> ListStoredAsync(CancellationToken ct)
    {
        var all = new Dictionary<string, List<StoredField>>(StringComparer.Ordinal);
        await foreach (var e in Table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            if (!all.TryGetValue(e.PartitionKey, out var list)) all[e.PartitionKey] = list = [];
            list.Add(ToStored(e));
        }
        return all;
    }

    /// <summary>Every extracted field as the review uses it (a person's correction in place of the automatic values).</summary>
    public async Task<Dictionary<string, List<ExtractedField>>> ListAsync(CancellationToken ct) => Effective(await ListStoredAsync(ct));

    /// <summary>The fields as the review uses them, from stored fields already read: a correction in place of the automatic values.</summary>
    public static Dictionary<string, List<ExtractedField>> Effective(Dictionary<string, List<StoredField>> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.ToDictionary(kv => kv.Key, kv => kv.Value.Select(f => f.Correction is { } c
            ? new ExtractedField(f.Automatic.Field, c.Values.Select(v => new ExtractedValue(v, $"corrected by {c.By}", 0, 0)).ToList(), f.Automatic.ExtractorVersion) { Basis = f.Automatic.Basis }
            : f.Automatic).ToList(), StringComparer.Ordinal);
    }

    private static StoredField ToStored(TableEntity e)
    {
        var values = JsonSerializer.Deserialize(e.GetString("Values") ?? "[]", ExtractionJson.Default.IReadOnlyListExtractedValue) ?? [];
        var corrected = e.GetString("CorrectedValues");
        var correction = corrected is null ? null
            : new Correction(JsonSerializer.Deserialize(corrected, ExtractionJson.Default.IReadOnlyListString) ?? [], e.GetString("CorrectedBy") ?? "",
                e.GetDateTimeOffset("CorrectedAt") ?? default, e.GetString("CorrectionNote") is { Length: > 0 } note ? note : null);
        return new StoredField(new ExtractedField(e.RowKey, values, e.GetString("ExtractorVersion") ?? "") { Basis = e.GetString("Basis") ?? ExtractedField.AbstractBasis }, correction);
    }
}
