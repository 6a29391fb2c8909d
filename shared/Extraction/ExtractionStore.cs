using System.Text.Json;
using Azure.Data.Tables;
using SpineReview.Storage;

namespace SpineReview.Extraction;

/// <summary>Extracted values, one row per (record, field), each with its evidence and extractor version.</summary>
public sealed class ExtractionStore(StorageClients storage)
{
    private TableClient Table => storage.Table(storage.Names.ExtractionsTable);

    public async Task SaveAsync(string recordKey, IEnumerable<ExtractedField> fields, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fields);
        // One partition per record: the whole set of fields lands in one transaction or not at all.
        var actions = fields.Select(f => new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(recordKey, f.Field)
        {
            ["Values"] = JsonSerializer.Serialize(f.Values, StoredJson.Default.IReadOnlyListExtractedValue),
            ["ExtractorVersion"] = f.ExtractorVersion,
            ["ExtractedAt"] = now,
        })).ToList();
        if (actions.Count > 0) await Table.SubmitTransactionAsync(actions, ct);
    }

    /// <summary>Every extracted field of every record, grouped by record key.</summary>
    public async Task<Dictionary<string, List<ExtractedField>>> ListAsync(CancellationToken ct)
    {
        var all = new Dictionary<string, List<ExtractedField>>(StringComparer.Ordinal);
        await foreach (var e in Table.QueryAsync<TableEntity>(cancellationToken: ct))
        {
            var values = JsonSerializer.Deserialize(e.GetString("Values") ?? "[]", StoredJson.Default.IReadOnlyListExtractedValue) ?? [];
            if (!all.TryGetValue(e.PartitionKey, out var list)) all[e.PartitionKey] = list = [];
            list.Add(new ExtractedField(e.RowKey, values, e.GetString("ExtractorVersion") ?? ""));
        }
        return all;
    }
}
